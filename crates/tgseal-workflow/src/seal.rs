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
                let (outputs, summary) = self.write(reader, &metadata, destination)?;
                Ok(Outcome {
                    outputs,
                    kind: ContentKind::File,
                    summary,
                    notes: Vec::new(),
                })
            }
            Source::Path(input) if std::fs::metadata(input)?.is_dir() => {
                if self.shape.pad {
                    return Err(CoreError::CannotPad(
                        "a folder is archived while it is sealed, so its size is not known in advance",
                    ));
                }
                let metadata = folder_metadata(input)?;
                let mut reader = FolderReader::spawn(input);
                let result = self.write(&mut reader, &metadata, destination);
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
                let (outputs, summary) = self.write(&mut file, &metadata, destination)?;
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
    fn write(
        &self,
        mut input: &mut dyn Read,
        metadata: &Metadata,
        destination: Destination<'_>,
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
            return Ok((Vec::new(), summary));
        }
        let (dir, name) = file_target(&destination, |name| self.output_name(name))?;
        if let Some(limit) = self.shape.split {
            let mut parts = PartWriter::create(&dir, &name, limit, self.overwrite)?;
            let summary = encrypt(master, &metadata, &mut input, &mut parts, options, control)?;
            parts.flush()?;
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
        Ok((vec![out.commit()?], summary))
    }

    /// The file name for the plain name `name` (`report.pdf.tgseal`), as
    /// the shape names it ([`ShapeOptions::output_name`]).
    fn output_name(&self, name: &str) -> tgseal_core::Result<String> {
        self.shape.output_name(name)
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
            (Box::new(BufReader::with_capacity(1 << 20, file)), len)
        }
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
    Ok(sealed(vec![out.commit()?], summary))
}
