//! Failures known before any key is derived. Argon2id takes seconds (a
//! minute with the paranoid preset); a job that is bound to fail because a
//! folder cannot be padded or its output already exists should say so at
//! once, before the user waits for it. Every front end calls these before
//! deriving the batch's keys: the CLI refuses the call, the desktop app shows
//! the reason on the line before Start.
//!
//! The same checks run again when the job writes (the disk may change in
//! between); these only move the answer earlier.

use std::path::Path;

use tgseal_core::Error as CoreError;

use crate::files::{free_name, refuse_existing};
use crate::parts::existing_parts;
use crate::seal::{CANNOT_PAD_FOLDER, Destination, ShapeOptions};
use crate::{Error, Result};

/// Why sealing `input` into `destination` in `shape` would fail, checked
/// without reading its content: the input is missing, a folder is to be
/// padded, or (without `overwrite`) the output or one of its parts exists.
/// A hidden name is random, so it never exists in advance.
pub fn check_seal(
    input: &Path,
    destination: &Destination<'_>,
    shape: &ShapeOptions,
    overwrite: bool,
) -> Result<()> {
    let metadata = std::fs::metadata(input).map_err(CoreError::Io)?;
    if metadata.is_dir() && shape.pad {
        return Err(CoreError::CannotPad(CANNOT_PAD_FOLDER).into());
    }
    if overwrite || shape.hide_name {
        return Ok(());
    }
    let (dir, name) = match destination {
        Destination::Named { dir, name } => (dir.to_path_buf(), shape.armored_name(name)),
        Destination::Path(path) => match path.file_name() {
            Some(name) => (
                crate::files::parent_dir(path).to_path_buf(),
                name.to_string_lossy().into_owned(),
            ),
            None => return Ok(()),
        },
        Destination::Writer(_) => return Ok(()),
    };
    if shape.split.is_some() {
        if let Some(existing) = existing_parts(&dir, &name)?.into_iter().next() {
            return Err(CoreError::OutputExists(existing).into());
        }
        return Ok(());
    }
    refuse_existing(&dir.join(name), false).map_err(Error::from)
}

/// The plain output name (`report.pdf.tgseal`) to seal under in `dir` so that
/// nothing there is replaced: the name itself when free, else the first
/// numbered one (`report (2).pdf.tgseal`) whose output, in `shape`, is free.
/// What "keep both" seals to.
pub fn free_sealed_name(input: &Path, dir: &Path, name: &str, shape: &ShapeOptions) -> String {
    free_name(name, |candidate| {
        let destination = Destination::Named {
            dir,
            name: candidate.to_owned(),
        };
        matches!(
            check_seal(input, &destination, shape, false),
            Err(err) if err.remedy() == Some(crate::Remedy::AllowOverwrite)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Remedy;

    fn named<'a>(dir: &'a Path, name: &str) -> Destination<'a> {
        Destination::Named {
            dir,
            name: name.to_owned(),
        }
    }

    #[test]
    fn an_existing_output_is_refused_before_any_key_is_derived() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.txt");
        std::fs::write(&input, b"x").unwrap();
        let plain = ShapeOptions::default();
        let to = named(dir.path(), "a.txt.tgseal");
        check_seal(&input, &to, &plain, false).unwrap();
        std::fs::write(dir.path().join("a.txt.tgseal"), b"old").unwrap();
        let err = check_seal(&input, &to, &plain, false).unwrap_err();
        assert_eq!(err.remedy(), Some(Remedy::AllowOverwrite));
        check_seal(&input, &to, &plain, true).unwrap();
        let hidden = ShapeOptions {
            hide_name: true,
            ..plain
        };
        check_seal(&input, &to, &hidden, false).unwrap();
        let armored = ShapeOptions {
            armor: true,
            ..plain
        };
        check_seal(&input, &to, &armored, false).unwrap();
        std::fs::write(dir.path().join("a.txt.tgseal.txt"), b"old").unwrap();
        assert!(check_seal(&input, &to, &armored, false).is_err());
    }

    #[test]
    fn an_existing_part_is_refused_before_any_key_is_derived() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.bin");
        std::fs::write(&input, b"x").unwrap();
        let split = ShapeOptions {
            split: Some(tgseal_core::split::BOT),
            ..ShapeOptions::default()
        };
        let to = named(dir.path(), "a.bin.tgseal");
        check_seal(&input, &to, &split, false).unwrap();
        std::fs::write(dir.path().join("a.bin.tgseal.002"), b"old").unwrap();
        let err = check_seal(&input, &to, &split, false).unwrap_err();
        assert_eq!(err.remedy(), Some(Remedy::AllowOverwrite));
        assert_eq!(
            free_sealed_name(&input, dir.path(), "a.bin.tgseal", &split),
            "a (2).bin.tgseal"
        );
    }

    #[test]
    fn padding_a_folder_is_refused_before_any_key_is_derived() {
        let dir = tempfile::tempdir().unwrap();
        let padded = ShapeOptions {
            pad: true,
            ..ShapeOptions::default()
        };
        let err =
            check_seal(dir.path(), &named(dir.path(), "x.tgseal"), &padded, true).unwrap_err();
        assert!(err.to_string().contains("pad"), "{err}");
        let missing = dir.path().join("missing");
        let to = named(dir.path(), "missing.tgseal");
        assert!(check_seal(&missing, &to, &ShapeOptions::default(), false).is_err());
    }

    #[test]
    fn keep_both_finds_a_free_name() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("r.pdf");
        std::fs::write(&input, b"x").unwrap();
        let plain = ShapeOptions::default();
        assert_eq!(
            free_sealed_name(&input, dir.path(), "r.pdf.tgseal", &plain),
            "r.pdf.tgseal"
        );
        std::fs::write(dir.path().join("r.pdf.tgseal"), b"old").unwrap();
        assert_eq!(
            free_sealed_name(&input, dir.path(), "r.pdf.tgseal", &plain),
            "r (2).pdf.tgseal"
        );
    }
}
