//! The shape of a sealed output for a chat (docs/TELEGRAM.md): one binary
//! file, armored text, or split parts; under the real name or a random one;
//! padded or not. The CLI and the desktop app both seal through here.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::archive::{FolderReader, folder_metadata};
use crate::armor::{ARMORED_EXTENSION, ArmorWriter};
use crate::control::Control;
use crate::files::{AtomicFile, metadata_for_file};
use crate::format::{ContentKind, Metadata};
use crate::keys::MasterKey;
use crate::seal::{EncryptOptions, Summary, encrypt};
use crate::{Error, Result, names, padding, split};

/// Choices that change the sealed output's shape, not its cryptography.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShapeOptions {
    /// Cut into parts of at most this many bytes (FORMAT.md §10).
    pub split: Option<u64>,
    /// Give the output a random neutral name; the real one stays inside.
    pub hide_name: bool,
    /// Pad the content with Padmé so the exact size does not show (FORMAT.md §9).
    pub pad: bool,
    /// Write armored text instead of binary (FORMAT.md §11).
    pub armor: bool,
}

impl ShapeOptions {
    /// The output's file name, given the plain sealed name (`report.pdf.tgseal`):
    /// a random name with `hide_name`, `.txt` appended with `armor`. Parts add
    /// their numbers to this name.
    pub fn output_name(&self, sealed_name: &str) -> Result<String> {
        let name = if self.hide_name {
            names::random_sealed_name()?
        } else {
            sealed_name.to_owned()
        };
        Ok(self.armored_name(&name))
    }

    /// `name` with `.txt` appended when the output is armored text (split
    /// parts are always binary, so they never are).
    pub fn armored_name(&self, name: &str) -> String {
        if self.armor && self.split.is_none() {
            format!("{name}.{ARMORED_EXTENSION}")
        } else {
            name.to_owned()
        }
    }
}

/// What a shaped sealing wrote.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Shaped {
    /// The files written: one, or every part in order.
    pub outputs: Vec<PathBuf>,
    /// What was sealed.
    pub kind: ContentKind,
    /// Bytes read and written.
    pub summary: Summary,
    /// Things worth telling the user that were not errors (skipped entries).
    pub notes: Vec<String>,
}

/// Reads the file or folder at `input` (a folder as its tar archive, made
/// while it is read) and hands it with its metadata to `seal`. Returns what
/// `seal` returned, what was read, and notes on skipped folder entries.
fn with_input<T>(
    input: &Path,
    shape: &ShapeOptions,
    seal: impl FnOnce(&mut dyn Read, &Metadata) -> Result<T>,
) -> Result<(T, ContentKind, Vec<String>)> {
    if std::fs::metadata(input)?.is_dir() {
        if shape.pad {
            return Err(Error::CannotPad(
                "a folder is archived while it is sealed, so its size is not known in advance",
            ));
        }
        let metadata = folder_metadata(input)?;
        let mut reader = FolderReader::spawn(input);
        let result = seal(&mut reader, &metadata);
        let (value, notes) = reader.finish(result)?;
        return Ok((value, ContentKind::Folder, notes));
    }
    let mut file = File::open(input)?;
    let metadata = metadata_for_file(input, &file)?;
    Ok((seal(&mut file, &metadata)?, ContentKind::File, Vec::new()))
}

/// Seals the file or folder at `input` into `dir`, named `name` (see
/// [`ShapeOptions::output_name`]), shaped by `shape`. Atomic: nothing appears
/// under its final name before the whole sealed stream is complete.
#[allow(clippy::too_many_arguments)]
pub fn seal_path(
    input: &Path,
    dir: &Path,
    name: &str,
    overwrite: bool,
    master: &MasterKey,
    shape: &ShapeOptions,
    options: &EncryptOptions,
    control: &Control,
) -> Result<Shaped> {
    let ((outputs, summary), kind, notes) = with_input(input, shape, |mut reader, metadata| {
        seal_stream(
            &mut reader,
            metadata,
            dir,
            name,
            overwrite,
            master,
            shape,
            options,
            control,
        )
    })?;
    Ok(Shaped {
        outputs,
        kind,
        summary,
        notes,
    })
}

/// Seals the file or folder at `input` to a writer (standard output), shaped
/// as [`seal_to_writer`] does. Returns what was read and written, and notes on
/// skipped folder entries.
pub fn seal_path_to_writer(
    input: &Path,
    output: &mut impl Write,
    master: &MasterKey,
    shape: &ShapeOptions,
    options: &EncryptOptions,
    control: &Control,
) -> Result<(Summary, Vec<String>)> {
    let (summary, _, notes) = with_input(input, shape, |mut reader, metadata| {
        seal_to_writer(
            &mut reader,
            metadata,
            output,
            master,
            shape,
            options,
            control,
        )
    })?;
    Ok((summary, notes))
}

/// Seals a stream described by `metadata` into `dir`, shaped by `shape`.
/// Padding needs `metadata.content_len`; without it, [`Error::CannotPad`].
#[allow(clippy::too_many_arguments)]
pub fn seal_stream(
    input: &mut impl Read,
    metadata: &Metadata,
    dir: &Path,
    name: &str,
    overwrite: bool,
    master: &MasterKey,
    shape: &ShapeOptions,
    options: &EncryptOptions,
    control: &Control,
) -> Result<(Vec<PathBuf>, Summary)> {
    let mut metadata = metadata.clone();
    if shape.pad && !padding::pad(&mut metadata) {
        return Err(Error::CannotPad(
            "the size of standard input is not known in advance",
        ));
    }
    if let Some(limit) = shape.split {
        return split::encrypt_to_parts(
            master, &metadata, input, dir, name, limit, overwrite, options, control,
        );
    }
    let mut out = AtomicFile::create(&dir.join(name), overwrite)?;
    let summary = if shape.armor {
        let mut writer = ArmorWriter::new(BufWriter::with_capacity(1 << 20, out.file()))?;
        let summary = encrypt(master, &metadata, input, &mut writer, options, control)?;
        writer.finish()?.flush()?;
        summary
    } else {
        encrypt(master, &metadata, input, out.file(), options, control)?
    };
    Ok((vec![out.commit()?], summary))
}

/// Seals a stream to a writer (standard output): binary or armored; splitting
/// and random names do not apply to a stream.
pub fn seal_to_writer(
    input: &mut impl Read,
    metadata: &Metadata,
    output: &mut impl Write,
    master: &MasterKey,
    shape: &ShapeOptions,
    options: &EncryptOptions,
    control: &Control,
) -> Result<Summary> {
    let mut metadata = metadata.clone();
    if shape.pad && !padding::pad(&mut metadata) {
        return Err(Error::CannotPad(
            "the size of standard input is not known in advance",
        ));
    }
    if shape.armor {
        let mut writer = ArmorWriter::new(BufWriter::new(output))?;
        let summary = encrypt(master, &metadata, input, &mut writer, options, control)?;
        writer.finish()?.flush()?;
        Ok(summary)
    } else {
        let summary = encrypt(master, &metadata, input, output, options, control)?;
        output.flush()?;
        Ok(summary)
    }
}
