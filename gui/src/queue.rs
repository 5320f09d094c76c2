//! The queue: what was dropped, what will happen to it, and where the result goes.

use std::path::{Path, PathBuf};

use tgseal_core::files::{SEALED_EXTENSION, sealed_name};

/// What the app does with one dropped path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Encrypt it into a sealed file.
    Seal,
    /// Decrypt a sealed file.
    Open,
    /// Nothing: the reason is shown in the queue instead.
    Unsupported(String),
}

impl Action {
    /// The word shown in the queue.
    pub fn label(&self) -> &'static str {
        match self {
            Action::Seal => "Seal",
            Action::Open => "Open",
            Action::Unsupported(_) => "—",
        }
    }
}

/// Decides what happens to a dropped path. The one place to extend when the core
/// learns folders (archive inside the ciphertext) and split parts.
pub fn classify(path: &Path) -> Action {
    if path.is_dir() {
        // Sealing folders arrives with the core's archive support (another issue).
        return Action::Unsupported("folders are not supported yet".into());
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.ends_with(&format!(".{SEALED_EXTENSION}")) {
        return Action::Open;
    }
    if is_split_part(&name) {
        // Split parts (`.tgseal.001`…) arrive with the core's split support.
        return Action::Unsupported("split parts are not supported yet".into());
    }
    Action::Seal
}

/// `x.tgseal.001`, `x.tgseal.002`…
fn is_split_part(name: &str) -> bool {
    match name.rsplit_once('.') {
        Some((stem, digits)) => {
            stem.ends_with(&format!(".{SEALED_EXTENSION}"))
                && !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Where a result goes, as planned before the job starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Exactly this file (sealing).
    File(PathBuf),
    /// Into this folder, under the name stored in the sealed file (opening).
    Folder(PathBuf),
    /// Nowhere (unsupported items).
    None,
}

/// The folder results go to: the chosen output folder, else the input's folder.
pub fn output_folder(input: &Path, output_dir: Option<&Path>) -> PathBuf {
    match output_dir {
        Some(dir) => dir.to_path_buf(),
        None => tgseal_core::files::parent_dir(input).to_path_buf(),
    }
}

/// Plans the destination of `input` for `action`.
pub fn destination(input: &Path, action: &Action, output_dir: Option<&Path>) -> Destination {
    let folder = output_folder(input, output_dir);
    match action {
        Action::Seal => match input.file_name() {
            Some(name) => Destination::File(folder.join(sealed_name(name))),
            None => Destination::None,
        },
        Action::Open => Destination::Folder(folder),
        Action::Unsupported(_) => Destination::None,
    }
}

/// Where an item stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Waiting for Start.
    Queued,
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
    /// Its size in bytes, when it is a readable file.
    pub size: Option<u64>,
    /// What will happen to it.
    pub action: Action,
    /// Where the result goes.
    pub destination: Destination,
    /// Where it stands.
    pub status: Status,
}

impl Item {
    /// Plans the item for `path` with the current output folder.
    pub fn new(path: PathBuf, output_dir: Option<&Path>) -> Self {
        let action = classify(&path);
        let size = match &action {
            Action::Unsupported(_) => None,
            _ => std::fs::metadata(&path).ok().map(|m| m.len()),
        };
        let destination = destination(&path, &action, output_dir);
        let status = match &action {
            Action::Unsupported(reason) => Status::Failed(reason.clone()),
            _ => Status::Queued,
        };
        Item {
            path,
            size,
            action,
            destination,
            status,
        }
    }

    /// Re-plans the destination after the output folder changed.
    pub fn replan(&mut self, output_dir: Option<&Path>) {
        self.destination = destination(&self.path, &self.action, output_dir);
    }

    /// The file name to show.
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }

    /// Whether Start would process it.
    pub fn is_pending(&self) -> bool {
        self.status == Status::Queued && !matches!(self.action, Action::Unsupported(_))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn sealed_files_open_and_others_seal() {
        assert_eq!(classify(Path::new("/no/such/a.pdf.tgseal")), Action::Open);
        assert_eq!(classify(Path::new("/no/such/A.TGSEAL")), Action::Open);
        assert_eq!(classify(Path::new("/no/such/a.pdf")), Action::Seal);
        assert_eq!(classify(Path::new("/no/such/a.tgs")), Action::Seal);
        assert!(matches!(
            classify(Path::new("/no/such/a.pdf.tgseal.001")),
            Action::Unsupported(_)
        ));
        assert!(matches!(
            classify(&std::env::temp_dir()),
            Action::Unsupported(_)
        ));
    }

    #[test]
    fn destinations_follow_the_output_folder() {
        let input = Path::new("/home/u/a.pdf");
        assert_eq!(
            destination(input, &Action::Seal, None),
            Destination::File("/home/u/a.pdf.tgseal".into())
        );
        assert_eq!(
            destination(input, &Action::Seal, Some(Path::new("/out"))),
            Destination::File("/out/a.pdf.tgseal".into())
        );
        assert_eq!(
            destination(Path::new("/home/u/a.pdf.tgseal"), &Action::Open, None),
            Destination::Folder("/home/u".into())
        );
    }
}
