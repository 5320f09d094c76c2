//! One way to seal: a [`Source`], a [`Destination`] and a [`Format`].
//!
//! Every front end seals through [`seal`]; the decisions that shape an output
//! for a chat (docs/TELEGRAM.md) are taken here once: one binary file or
//! armored text or split parts, the real name or a random one, padded or not,
//! and tgseal's own format or age.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use tgseal_age::{Armor, EncryptTo};
use tgseal_core::armor::ArmorWriter;
use tgseal_core::{
    ContentKind, Control, EncryptOptions, Error as CoreError, MasterKey, Metadata, Summary, encrypt,
};

use crate::batch::{BatchKeys, Outcome};
use crate::files::{AtomicFile, metadata_for_file, sealed_name};
use crate::folder::{FolderReader, folder_metadata};
use crate::parts::PartWriter;
use crate::{Error, Result};

pub use tgseal_core::shape::ShapeOptions;

/// Why a folder cannot be padded ([`tgseal_core::Error::CannotPad`]).
pub(crate) const CANNOT_PAD_FOLDER: &str =
    "a folder is archived while it is sealed, so its size is not known in advance";

/// What to seal.
pub enum Source<'a> {
    /// A file, or a folder (sealed as one archive, FORMAT.md §4.3).
    Path(&'a Path),
    /// A stream of unknown length and no name (standard input).
    Stream(&'a mut dyn Read),
}

/// Where the sealed output goes.
pub enum Destination<'a> {
    /// Into `dir`, under the plain output name `name` (`report.pdf.tgseal`,
    /// see [`Format::output_name`]) as the format's options shape it: a
    /// random name when names are hidden, `.txt` added for armored text,
    /// part numbers added when split.
    Named {
        /// The folder to write into.
        dir: &'a Path,
        /// The plain output name.
        name: String,
    },
    /// Exactly this path, as the user gave it; parts add their numbers to it.
    Path(&'a Path),
    /// A stream (standard output): binary or armored; never split, never
    /// atomic (each chunk is written as it is sealed).
    Writer(&'a mut dyn Write),
}

/// The format to seal in, with its options.
pub enum Format<'a> {
    /// tgseal's own format (docs/FORMAT.md).
    Sealed {
        /// The batch's master keys (one Argon2id per batch, FORMAT.md §8).
        keys: &'a BatchKeys,
        /// The output's shape.
        shape: ShapeOptions,
        /// Chunk size and payload threads.
        options: EncryptOptions,
    },
    /// An age file (docs/AGE.md): to recipients or with age's scrypt passphrase.
    Age {
        /// Recipients or the passphrase.
        to: &'a EncryptTo,
        /// Binary or ASCII armor.
        armor: Armor,
        /// Cut into raw parts of at most this many bytes (`cat` joins them).
        split: Option<u64>,
        /// Give the output a random neutral name (`k3v9x2qa.age`).
        hide_name: bool,
    },
}

impl Format<'_> {
    /// The plain output name for an input named `input_name`:
    /// `report.pdf.tgseal` or `report.pdf.age`.
    pub fn output_name(&self, input_name: &OsStr) -> OsString {
        match self {
            Format::Sealed { .. } => sealed_name(input_name),
            Format::Age { .. } => tgseal_age::age_name(input_name),
        }
    }

    /// Whether the output is cut into parts.
    pub fn splits(&self) -> bool {
        match self {
            Format::Sealed { shape, .. } => shape.split.is_some(),
            Format::Age { split, .. } => split.is_some(),
        }
    }
}

/// Seals `source` into `destination` in `format`. Atomic for files: nothing
/// appears under its final name (or names, for parts) before the whole output
/// is complete, and a failure leaves nothing behind. `overwrite` allows
/// replacing existing outputs.
pub fn seal(
    source: Source<'_>,
    destination: Destination<'_>,
    overwrite: bool,
    format: &Format<'_>,
    control: &Control,
) -> Result<Outcome> {
    match format {
        Format::Sealed {
            keys,
            shape,
            options,
        } => {
            let master = keys.master()?;
            let job = SealedJob {
                master: &master,
                shape,
                options,
                overwrite,
                control,
            };
            job.run(source, destination).map_err(Error::from)
        }
        Format::Age {
            to,
            armor,
            split,
            hide_name,
        } => seal_age(
            source,
            destination,
            overwrite,
            AgeShape {
                to,
                armor: *armor,
                split: *split,
                hide_name: *hide_name,
            },
            control,
        ),
    }
}

/// The folder and file name a file destination resolves to.
fn file_target(
    destination: &Destination<'_>,
    rename: impl FnOnce(&str) -> tgseal_core::Result<String>,
) -> tgseal_core::Result<(PathBuf, String)> {
    match destination {
        Destination::Named { dir, name } => Ok((dir.to_path_buf(), rename(name)?)),
        Destination::Path(path) => {
            let name = path.file_name().ok_or_else(|| {
                CoreError::InvalidName(format!("{} has no file name", path.display()))
            })?;
            // Empty for a bare name, so the output is named as it was given.
            let dir = path.parent().unwrap_or(Path::new(""));
            Ok((dir.to_path_buf(), name.to_string_lossy().into_owned()))
        }
        Destination::Writer(_) => Err(CoreError::Io(std::io::Error::other(
            "internal error: a stream has no file name",
        ))),
    }
}

/// One tgseal-format sealing.
struct SealedJob<'a> {
    master: &'a MasterKey,
    shape: &'a ShapeOptions,
    options: &'a EncryptOptions,
    overwrite: bool,
    control: &'a Control,
}

impl SealedJob<'_> {
    fn run(
        &self,
        source: Source<'_>,
        destination: Destination<'_>,
    ) -> tgseal_core::Result<Outcome> {
        match source {
            Source::Stream(reader) => {
                let metadata = Metadata::file("", None, None);
                let (outputs, summary) = self.write(reader, &metadata, destination, &|| Ok(()))?;
                Ok(Outcome {
                    outputs,
                    kind: ContentKind::File,
                    summary,
                    notes: Vec::new(),
                })
            }
            Source::Path(input) if std::fs::metadata(input)?.is_dir() => {
                if self.shape.pad {
                    return Err(CoreError::CannotPad(CANNOT_PAD_FOLDER));
                }
                let metadata = folder_metadata(input)?;
                let mut reader = FolderReader::spawn(input);
                let result = self.write(&mut reader, &metadata, destination, &|| Ok(()));
                let ((outputs, summary), notes) = reader.finish(result)?;
                Ok(Outcome {
                    outputs,
                    kind: ContentKind::Folder,
                    summary,
                    notes,
                })
            }
            Source::Path(input) => {
                // Unbuffered: the payload reads whole chunks.
                let mut file = File::open(input)?;
                let metadata = metadata_for_file(input, &file)?;
                // Appending or truncating shows in the length read; a write
                // in place shows only in the file's own size and time.
                let before = Stamp::of(&file)?;
                let reopened = file.try_clone()?;
                let unchanged = || before.check(&reopened);
                let (outputs, summary) =
                    self.write(&mut file, &metadata, destination, &unchanged)?;
                Ok(Outcome {
                    outputs,
                    kind: ContentKind::File,
                    summary,
                    notes: Vec::new(),
                })
            }
        }
    }

    /// Seals the content read from `input` (described by `metadata`) into
    /// `destination`; returns the files written and what was moved.
    /// `unchanged` tells, before any output appears, whether the input is
    /// still what was read.
    fn write(
        &self,
        mut input: &mut dyn Read,
        metadata: &Metadata,
        destination: Destination<'_>,
        unchanged: &dyn Fn() -> tgseal_core::Result<()>,
    ) -> tgseal_core::Result<(Vec<PathBuf>, Summary)> {
        let metadata = self.shape.shaped(metadata)?;
        let (master, options, control) = (self.master, self.options, self.control);
        if let Destination::Writer(output) = destination {
            let summary = if self.shape.armor {
                let mut writer = ArmorWriter::new(BufWriter::new(output))?;
                let summary =
                    encrypt(master, &metadata, &mut input, &mut writer, options, control)?;
                writer.finish()?.flush()?;
                summary
            } else {
                let summary = encrypt(
                    master,
                    &metadata,
                    &mut input,
                    &mut &mut *output,
                    options,
                    control,
                )?;
                output.flush()?;
                summary
            };
            unchanged()?;
            return Ok((Vec::new(), summary));
        }
        let (dir, name) = file_target(&destination, |name| self.output_name(name))?;
        if let Some(limit) = self.shape.split {
            let mut parts = PartWriter::create(&dir, &name, limit, self.overwrite)?;
            let summary = encrypt(master, &metadata, &mut input, &mut parts, options, control)?;
            parts.flush()?;
            unchanged()?;
            return Ok((parts.finish()?, summary));
        }
        let mut out = AtomicFile::create(&dir.join(name), self.overwrite)?;
        let summary = if self.shape.armor {
            let mut writer = ArmorWriter::new(BufWriter::with_capacity(1 << 20, out.file()))?;
            let summary = encrypt(master, &metadata, &mut input, &mut writer, options, control)?;
            writer.finish()?.flush()?;
            summary
        } else {
            // Unbuffered: the payload writes whole chunks.
            encrypt(master, &metadata, &mut input, out.file(), options, control)?
        };
        unchanged()?;
        Ok((vec![out.commit()?], summary))
    }

    /// The file name for the plain name `name` (`report.pdf.tgseal`), as
    /// the shape names it ([`ShapeOptions::output_name`]).
    fn output_name(&self, name: &str) -> tgseal_core::Result<String> {
        self.shape.output_name(name)
    }
}

/// A file's size and modification time, to tell whether it changed.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Stamp {
    fn of(file: &File) -> std::io::Result<Stamp> {
        let meta = file.metadata()?;
        Ok(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }

    /// [`CoreError::InputModified`] when `file` no longer has this stamp.
    fn check(self, file: &File) -> tgseal_core::Result<()> {
        if Stamp::of(file)? == self {
            Ok(())
        } else {
            Err(CoreError::InputModified)
        }
    }
}

/// The options of one age sealing.
struct AgeShape<'a> {
    to: &'a EncryptTo,
    armor: Armor,
    split: Option<u64>,
    hide_name: bool,
}

fn seal_age(
    source: Source<'_>,
    destination: Destination<'_>,
    overwrite: bool,
    shape: AgeShape<'_>,
    control: &Control,
) -> Result<Outcome> {
    // The file being read, to tell whether it changed meanwhile.
    let mut stamped = None;
    let (mut input, len): (Box<dyn Read + '_>, Option<u64>) = match source {
        Source::Stream(reader) => (Box::new(reader), None),
        Source::Path(path) => {
            let file = File::open(path)?;
            let stat = file.metadata()?;
            if stat.is_dir() {
                // An age file holds one stream and no name: no folder.
                return Err(std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    format!(
                        "{} is a folder; age output encrypts one file at a time",
                        path.display()
                    ),
                )
                .into());
            }
            let len = stat.is_file().then_some(stat.len());
            stamped = Some((Stamp::of(&file)?, file.try_clone()?));
            (Box::new(BufReader::with_capacity(1 << 20, file)), len)
        }
    };
    let unchanged = || match &stamped {
        Some((stamp, file)) => stamp.check(file),
        None => Ok(()),
    };
    let sealed = |outputs, summary| Outcome {
        outputs,
        kind: ContentKind::File,
        summary,
        notes: Vec::new(),
    };
    if let Destination::Writer(output) = destination {
        let summary = tgseal_age::encrypt(&mut input, output, shape.to, shape.armor, control, len)?;
        output.flush()?;
        unchanged()?;
        return Ok(sealed(Vec::new(), summary));
    }
    let (dir, name) = file_target(&destination, |name| {
        Ok(if shape.hide_name {
            tgseal_age::random_age_name().map_err(|e| match e {
                tgseal_age::Error::Core(core) => core,
                other => CoreError::Io(std::io::Error::other(other.to_string())),
            })?
        } else {
            name.to_owned()
        })
    })?;
    if let Some(limit) = shape.split {
        // Raw parts: `cat` joins them into the age file (docs/AGE.md).
        let mut parts = PartWriter::raw(&dir, &name, limit, overwrite)?;
        let summary = tgseal_age::encrypt(
            &mut input,
            &mut parts,
            shape.to,
            Armor::Binary,
            control,
            len,
        )?;
        unchanged()?;
        return Ok(sealed(parts.finish()?, summary));
    }
    let mut out = AtomicFile::create(&dir.join(name), overwrite)?;
    let summary = {
        let mut writer = BufWriter::with_capacity(1 << 20, out.file());
        let summary =
            tgseal_age::encrypt(&mut input, &mut writer, shape.to, shape.armor, control, len)?;
        writer.flush()?;
        summary
    };
    unchanged()?;
    Ok(sealed(vec![out.commit()?], summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tgseal_core::{KdfParams, Passphrase};

    #[test]
    fn a_file_written_in_place_while_it_is_sealed_leaves_no_output() {
        // Same size, new content: only the size and time tell (#13 item 17).
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("log.bin");
        std::fs::write(&input, vec![1u8; 4 << 20]).unwrap();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1 << 30);
        File::options()
            .write(true)
            .open(&input)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let params = KdfParams {
            memory_kib: 64,
            passes: 1,
            lanes: 1,
        };
        let keys = BatchKeys::new(Passphrase::new("pass phrase").unwrap(), params, false).unwrap();
        let format = Format::Sealed {
            keys: &keys,
            shape: ShapeOptions::default(),
            options: EncryptOptions::default(),
        };
        let writer = input.clone();
        let control = Control::new().with_progress(move |progress| {
            if progress.done > 0 {
                // A write in place, as a database rewrites a block.
                let mut file = File::options().write(true).open(&writer).unwrap();
                file.write_all(&[2u8; 16]).unwrap();
            }
        });
        let destination = Destination::Named {
            dir: dir.path(),
            name: "log.bin.tgseal".into(),
        };
        let result = seal(Source::Path(&input), destination, false, &format, &control);
        assert!(
            matches!(result, Err(Error::Sealed(CoreError::InputModified))),
            "{:?}",
            result.map(|o| o.outputs)
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["log.bin"]);
    }
}
