//! Sealing the browser's files with the desktop app's options: one Argon2id
//! for the batch (FORMAT.md §8), then each file shaped by the core's
//! `ShapeOptions` (hidden name, split parts, padding, armored text).

use std::io::{BufWriter, Write};
use std::time::{Duration, UNIX_EPOCH};

use tgseal_core::armor::ArmorWriter;
use tgseal_core::{Control, EncryptOptions, MasterKey, Metadata, ShapeOptions, encrypt, names};
use web_sys::File;

use crate::io::{BlobReader, SinkWriter};
use crate::outputs::{Output, PartCutter};

/// The metadata of a picked file: its name, size and modification time.
fn metadata_for(file: &File) -> Metadata {
    let modified = file.last_modified();
    let modified = (modified.is_finite() && modified >= 0.0)
        .then(|| UNIX_EPOCH + Duration::from_millis(modified as u64));
    Metadata::file(file.name(), Some(file.size() as u64), modified)
}

/// Seals `file` with `master` into `sink` as `shape` says; returns the files
/// written (one, or its parts). `on_file` is called once sealing starts.
pub fn seal_file(
    file: &File,
    master: &MasterKey,
    shape: &ShapeOptions,
    sink: &mut SinkWriter,
    control: &Control,
) -> tgseal_core::Result<Vec<Output>> {
    let metadata = shape.shaped(&metadata_for(file))?;
    let name = shape.output_name(&names::sealed_name(&file.name()))?;
    let options = EncryptOptions::default().with_threads(1);
    // Whole sealed chunks go straight to the staging file (armor's short
    // lines are buffered).
    let mut input = BlobReader::new(file)?;
    let start = sink.position();
    if let Some(limit) = shape.split {
        let mut parts = PartCutter::new(sink, limit)?;
        encrypt(master, &metadata, &mut input, &mut parts, &options, control)?;
        return Ok(parts.finish(&name)?);
    }
    if shape.armor {
        let mut armored = ArmorWriter::new(BufWriter::with_capacity(1 << 20, &mut *sink))?;
        encrypt(
            master,
            &metadata,
            &mut input,
            &mut armored,
            &options,
            control,
        )?;
        armored.finish()?.flush()?;
    } else {
        encrypt(master, &metadata, &mut input, &mut *sink, &options, control)?;
    }
    Ok(vec![Output {
        name,
        start,
        len: sink.position() - start,
    }])
}
