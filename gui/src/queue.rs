//! The queue: what was dropped, what will happen to it, and where the result goes.

use std::path::{Path, PathBuf};

use tgseal_workflow::Input;
use tgseal_workflow::files::{parent_dir, sealed_name};
use tgseal_workflow::sealed::SealedInput;

use crate::worker::message;

/// What the app does with one dropped path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Encrypt a file, or a folder as one sealed file.
    Seal,
    /// Decrypt a sealed file: binary, armored, or split parts (`parts` > 1).
    Open,
    /// Decrypt an age file (made by age, rage or `tgseal encrypt -r/--age`).
    OpenAge {
        /// It opens with a passphrase (an `scrypt` stanza); otherwise it needs
        /// an identity file.
        passphrase: bool,
    },
    /// Nothing: the reason is shown in the queue instead.
    Unsupported(String),
}

impl Action {
    /// The word shown in the queue.
    pub fn label(&self) -> &'static str {
        match self {
            Action::Seal => "Seal",
            Action::Open | Action::OpenAge { .. } => "Open",
            Action::Unsupported(_) => "—",
        }
    }

    /// Whether it decrypts.
    pub fn opens(&self) -> bool {
        matches!(self, Action::Open | Action::OpenAge { .. })
    }

    /// Whether it needs the passphrase (all but age files sealed to a key).
    pub fn needs_passphrase(&self) -> bool {
        !matches!(
            self,
            Action::OpenAge { passphrase: false } | Action::Unsupported(_)
        )
    }
}

/// What a dropped path holds, as far as the queue shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// What happens to it.
    pub action: Action,
    /// A word or two on what it is (`folder`, `3 parts`, `armored text`, `age file`).
    pub kind: Option<String>,
    /// Its size in bytes: the file, or every part together.
    pub size: Option<u64>,
    /// The name of the result when it is known before opening (age files
    /// store no name: it comes from the file's own).
    pub result_name: Option<String>,
}

/// Decides what happens to a dropped path, by its bytes rather than its name
/// (downloads get renamed): sealed files in any shape and age files are
/// opened, every other file or folder is sealed.
pub fn classify(path: &Path) -> Plan {
    let unsupported = |reason: String| Plan {
        action: Action::Unsupported(reason),
        kind: None,
        size: None,
        result_name: None,
    };
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(err) => return unsupported(format!("cannot read it: {err}")),
    };
    let plan = |action, kind: Option<&str>, size| Plan {
        action,
        kind: kind.map(str::to_owned),
        size,
        result_name: None,
    };
    match Input::recognise(path) {
        Ok(Input::Sealed(SealedInput::Binary(_))) => plan(Action::Open, None, Some(metadata.len())),
        Ok(Input::Sealed(SealedInput::Armored(_))) => {
            plan(Action::Open, Some("armored text"), Some(metadata.len()))
        }
        Ok(Input::Sealed(SealedInput::Parts(set))) => Plan {
            action: Action::Open,
            kind: Some(format!("{} parts", set.paths().count())),
            size: Some(
                set.paths()
                    .filter_map(|p| p.metadata().ok())
                    .map(|m| m.len())
                    .sum(),
            ),
            result_name: None,
        },
        Ok(Input::Age(age)) => Plan {
            action: Action::OpenAge {
                passphrase: age.opens_with_passphrase(),
            },
            kind: Some(match age.file_count() {
                1 => "age file".to_owned(),
                n => format!("age file in {n} parts"),
            }),
            size: age.size(),
            result_name: Some(age.output_name()),
        },
        Ok(Input::Pipe(_)) => {
            unsupported("a pipe or a device, not a file: save what it holds to a file first".into())
        }
        Ok(Input::Plain(_)) if metadata.is_dir() => plan(Action::Seal, Some("folder"), None),
        Ok(Input::Plain(_)) => plan(Action::Seal, None, Some(metadata.len())),
        // A part whose siblings are missing or do not belong together.
        Err(err) => unsupported(message(&err)),
    }
}

/// What a path stands for: a part of a split file (sealed or age) stands for
/// its whole set, since any one part opens it; anything else for itself.
pub use tgseal_workflow::input_key;

/// Where a result goes, as planned before the job starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Sealing: into `folder`, named `name` unless the options say otherwise
    /// (a random name, part numbers).
    Sealed {
        /// The folder the sealed file goes to.
        folder: PathBuf,
        /// The plain sealed name (`report.pdf.tgseal`).
        name: String,
    },
    /// Opening: into this folder, under the name stored in the sealed file.
    Folder(PathBuf),
    /// Nowhere (unsupported items).
    None,
}

/// The folder results go to: the chosen output folder, else beside the input
/// (for a folder of parts, inside it, as `tgseal decrypt FOLDER` does).
pub fn output_folder(input: &Path, action: &Action, output_dir: Option<&Path>) -> PathBuf {
    match output_dir {
        Some(dir) => dir.to_path_buf(),
        None if action.opens() && input.is_dir() => input.to_path_buf(),
        None => parent_dir(input).to_path_buf(),
    }
}

/// Plans the destination of `input` for `action`.
pub fn destination(input: &Path, action: &Action, output_dir: Option<&Path>) -> Destination {
    let folder = output_folder(input, action, output_dir);
    match action {
        Action::Seal => match input.file_name() {
            Some(name) => Destination::Sealed {
                folder,
                name: sealed_name(name).to_string_lossy().into_owned(),
            },
            None => Destination::None,
        },
        Action::Open | Action::OpenAge { .. } => Destination::Folder(folder),
        Action::Unsupported(_) => Destination::None,
    }
}

/// What to do when an item's result already exists, chosen per line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnExists {
    /// Ask: the line shows Replace, Keep both and Skip.
    #[default]
    Ask,
    /// Replace the existing file.
    Replace,
    /// Write under a new, numbered name (`report (2).pdf.tgseal`).
    KeepBoth,
}

/// Where an item stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Waiting for Start.
    Queued,
    /// Its result already exists: the line asks what to do (for sealing,
    /// known before Start; for opening, once the stored name is read).
    Exists(PathBuf),
    /// It cannot run as the options stand (a folder to pad); known before
    /// Start, and checked again when the options change.
    Blocked(String),
    /// The user chose Skip when its result existed; nothing was written.
    Skipped,
    /// In the running batch, not started yet.
    Waiting,
    /// Being sealed or opened now.
    Running,
    /// Finished; the result is at this path.
    Done(PathBuf),
    /// Failed with this message (the core error's wording).
    Failed(String),
    /// Cancelled; nothing was written.
    Cancelled,
}

impl Status {
    /// Whether the item is part of a batch that has not finished with it.
    pub fn is_active(&self) -> bool {
        matches!(self, Status::Waiting | Status::Running)
    }
}

/// One line of the queue.
#[derive(Clone, Debug)]
pub struct Item {
    /// The dropped path.
    pub path: PathBuf,
    /// What it stands for ([`input_key`]): one line per split file.
    pub key: PathBuf,
    /// Its size in bytes, when known.
    pub size: Option<u64>,
    /// What it is, when the name does not say (`folder`, `3 parts`…).
    pub kind: Option<String>,
    /// The result's name, when known before opening (age files).
    pub result_name: Option<String>,
    /// What will happen to it.
    pub action: Action,
    /// Where the result goes.
    pub destination: Destination,
    /// Where it stands.
    pub status: Status,
    /// What to do if its result exists.
    pub on_exists: OnExists,
    /// Every file written when done (the parts of a split file).
    pub outputs: Vec<PathBuf>,
}

impl Item {
    /// Plans the item for `path` with the current output folder.
    pub fn new(path: PathBuf, output_dir: Option<&Path>) -> Self {
        let Plan {
            action,
            kind,
            size,
            result_name,
        } = classify(&path);
        let destination = destination(&path, &action, output_dir);
        let status = match &action {
            Action::Unsupported(reason) => Status::Failed(reason.clone()),
            _ => Status::Queued,
        };
        Item {
            key: input_key(&path),
            path,
            size,
            kind,
            result_name,
            action,
            destination,
            status,
            on_exists: OnExists::Ask,
            outputs: Vec::new(),
        }
    }

    /// Plans the item again from its path, as if it were dropped now (the
    /// file may have changed since, a missing part may have arrived); keeps
    /// what the user chose for an existing result.
    pub fn replanned(&self, output_dir: Option<&Path>) -> Self {
        Item {
            on_exists: self.on_exists,
            ..Item::new(self.path.clone(), output_dir)
        }
    }

    /// Re-plans the destination after the output folder changed.
    pub fn replan(&mut self, output_dir: Option<&Path>) {
        self.destination = destination(&self.path, &self.action, output_dir);
    }

    /// The file name to show (escaped: a download may carry any name).
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| tgseal_core::untrusted::escape_path(n.as_ref()))
            .unwrap_or_else(|| tgseal_core::untrusted::escape_path(&self.path))
    }

    /// Whether Start would process it: waiting for Start, or failed or
    /// cancelled before (Start tries those again, with the passphrase and
    /// options of now).
    pub fn is_pending(&self) -> bool {
        !matches!(self.action, Action::Unsupported(_))
            && matches!(
                self.status,
                Status::Queued | Status::Failed(_) | Status::Cancelled
            )
    }

    /// Whether "Try again" applies: it failed, was cancelled or skipped.
    pub fn can_retry(&self) -> bool {
        matches!(
            self.status,
            Status::Failed(_) | Status::Cancelled | Status::Skipped
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn plain_files_and_folders_seal_whatever_their_names() {
        let dir = tempfile::tempdir().unwrap();
        let named_sealed = dir.path().join("a.pdf.tgseal");
        std::fs::write(&named_sealed, b"not sealed at all").unwrap();
        assert_eq!(classify(&named_sealed).action, Action::Seal);
        let plain = dir.path().join("a.pdf");
        std::fs::write(&plain, b"%PDF").unwrap();
        assert_eq!(classify(&plain).action, Action::Seal);
        let folder = classify(dir.path());
        assert_eq!(folder.action, Action::Seal);
        assert_eq!(folder.kind.as_deref(), Some("folder"));
        assert!(matches!(
            classify(&dir.path().join("missing")).action,
            Action::Unsupported(_)
        ));
    }

    #[test]
    fn a_damaged_part_is_unsupported_with_the_core_reason() {
        let dir = tempfile::tempdir().unwrap();
        let part = dir.path().join("a.pdf.tgseal.002");
        std::fs::write(&part, b"tgsealp garbage").unwrap();
        let Action::Unsupported(reason) = classify(&part).action else {
            panic!("a broken part must not be sealed or opened");
        };
        assert!(reason.contains("a.pdf.tgseal"), "{reason}");
    }

    #[test]
    fn destinations_follow_the_output_folder() {
        let input = Path::new("/home/u/a.pdf");
        assert_eq!(
            destination(input, &Action::Seal, None),
            Destination::Sealed {
                folder: "/home/u".into(),
                name: "a.pdf.tgseal".into()
            }
        );
        assert_eq!(
            destination(input, &Action::Seal, Some(Path::new("/out"))),
            Destination::Sealed {
                folder: "/out".into(),
                name: "a.pdf.tgseal".into()
            }
        );
        assert_eq!(
            destination(Path::new("/home/u/a.pdf.tgseal"), &Action::Open, None),
            Destination::Folder("/home/u".into())
        );
    }
}
