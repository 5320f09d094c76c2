//! Decrypting a sealed file in whichever shape a chat delivered it
//! (docs/TELEGRAM.md): one binary file, armored text (one block, or the
//! pieces of a text message saved into one file), or split parts (any one
//! part, or the folder that holds them). The CLI and the desktop app both
//! decrypt files on disk through here.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use tgseal_core::armor::Armored;
use tgseal_core::lift;
use tgseal_core::names::SEALED_EXTENSION;
use tgseal_core::recognise::{SNIFF_LEN, SealedShape, recognise};
use tgseal_core::untrusted;
use tgseal_core::{Control, DecryptOptions, Decryptor, Error, Keyring, Result};

use crate::batch::{Outcome, decrypt_opened};
use crate::claims::Claims;
use crate::files::DecryptTarget;
use crate::parts::{self, PartSet};

/// A sealed file on disk, in one of the shapes it can arrive in.
#[derive(Clone, Debug)]
pub enum SealedInput {
    /// A binary sealed file (FORMAT.md §1–7).
    Binary(PathBuf),
    /// Armored text (§11): one block, or every piece of a text message.
    Armored(PathBuf),
    /// A complete, consistent set of split parts (§10).
    Parts(PartSet),
}

impl SealedInput {
    /// Recognises a sealed input by its bytes, not its name, so renamed
    /// downloads still open: `Ok(None)` for anything that is not sealed (a
    /// plain file or folder, to be encrypted). A part whose siblings are
    /// missing or inconsistent is an error naming the part concerned.
    pub fn recognise(path: &Path) -> Result<Option<SealedInput>> {
        if std::fs::metadata(path)?.is_dir() {
            // Only a folder of nothing but parts is taken for a split file, so
            // a project folder that happens to hold a split file is encrypted.
            let (parts, others) = count_entries(path)?;
            if parts == 0 || others > 0 {
                return Ok(None);
            }
            return PartSet::find(path).map(|set| Some(SealedInput::Parts(set)));
        }
        let mut start = Vec::with_capacity(SNIFF_LEN);
        File::open(path)?
            .take(SNIFF_LEN as u64)
            .read_to_end(&mut start)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        Ok(match recognise(&start, &name) {
            Some(SealedShape::Part) => Some(SealedInput::Parts(PartSet::find(path)?)),
            Some(SealedShape::Binary) => Some(SealedInput::Binary(path.to_path_buf())),
            Some(SealedShape::Armored) => Some(SealedInput::Armored(path.to_path_buf())),
            _ => None,
        })
    }

    /// What `tgseal decrypt PATH` opens: a recognised sealed input; else, for
    /// a folder, the folder itself (which fails with a clear "this is a
    /// folder" error) and for a file, armored text whose BEGIN line may come
    /// later than [`SealedInput::recognise`] looks (a file that is not sealed
    /// at all fails with [`Error::NotSealed`]).
    pub fn find(path: &Path) -> Result<SealedInput> {
        if std::fs::metadata(path)?.is_dir() {
            if count_entries(path)?.0 == 0 {
                return Ok(SealedInput::Binary(path.to_path_buf()));
            }
            return PartSet::find(path).map(SealedInput::Parts);
        }
        Ok(Self::recognise(path)?.unwrap_or_else(|| SealedInput::Armored(path.to_path_buf())))
    }

    /// The path the output is named after when the sealed file stores no
    /// name: the file itself, or the plain sealed name behind armor or parts
    /// (`x.tgseal.txt` and `x.tgseal.001` both stand for `x.tgseal`).
    pub fn name_source(&self) -> PathBuf {
        match self {
            SealedInput::Binary(path) => path.clone(),
            SealedInput::Armored(path) => path.with_extension("").with_extension(SEALED_EXTENSION),
            SealedInput::Parts(set) => set.base().to_path_buf(),
        }
    }

    /// The files the sealed bytes are read from.
    pub fn files(&self) -> Vec<&Path> {
        match self {
            SealedInput::Binary(path) | SealedInput::Armored(path) => vec![path.as_path()],
            SealedInput::Parts(set) => set.paths().collect(),
        }
    }

    /// How many files the sealed bytes are read from.
    pub fn file_count(&self) -> usize {
        match self {
            SealedInput::Parts(set) => set.paths().count(),
            _ => 1,
        }
    }

    /// The sealed bytes, whatever the shape. Errors from armor or parts come
    /// out of the reader wrapped in I/O errors; [`lift`] unwraps them.
    pub fn reader(&self) -> Result<Box<dyn Read + Send>> {
        Ok(match self {
            SealedInput::Binary(path) => {
                let file = File::open(path)?;
                if file.metadata()?.is_dir() {
                    return Err(Error::Io(std::io::Error::new(
                        std::io::ErrorKind::IsADirectory,
                        "this is a folder, not a sealed file",
                    )));
                }
                // Unbuffered: the payload is read in whole chunks.
                Box::new(file)
            }
            SealedInput::Armored(path) => Box::new(Armored::open(|| {
                Ok(BufReader::with_capacity(1 << 20, File::open(path)?))
            })?),
            SealedInput::Parts(set) => Box::new(set.reader()),
        })
    }

    /// Decrypts into `target` atomically: a file appears only after its
    /// final chunk verified, a folder is extracted into a temporary folder
    /// renamed into place. The output is never a file the call reads, and
    /// never one another input of the call restored ([`Claims`]).
    pub fn decrypt(
        &self,
        target: &DecryptTarget,
        overwrite: bool,
        claims: &Claims,
        keyring: &Keyring,
        options: &DecryptOptions,
        control: &Control,
    ) -> Result<Outcome> {
        let run = || -> Result<Outcome> {
            let decryptor = Decryptor::new(self.reader()?, keyring)?;
            let stored = decryptor.metadata().name.clone();
            let (output, notes) =
                restore_target(target, &stored, &self.name_source(), claims, self.files())?;
            let mut outcome = decrypt_opened(decryptor, &output, overwrite, options, control)?;
            outcome.notes.splice(0..0, notes);
            if let SealedInput::Parts(set) = self {
                let count = set.paths().count();
                let parts = if count == 1 { "part" } else { "parts" };
                outcome.notes.push(format!("read from {count} {parts}"));
            }
            Ok(outcome)
        };
        run().map_err(lift)
    }
}

/// Where a sealed stream that stores `stored` is restored: the target path,
/// or the restored name in the target folder — claimed for this call (a
/// name another input took becomes `NAME (2).EXT`) and never a file the
/// call reads (`own`: the files this input is read from). Returns the path
/// and what to tell the user about the name.
pub(crate) fn restore_target<'a>(
    target: &DecryptTarget,
    stored: &str,
    name_source: &Path,
    claims: &Claims,
    own: impl IntoIterator<Item = &'a Path>,
) -> Result<(PathBuf, Vec<String>)> {
    let named = target.output_for(stored, name_source);
    let mut notes = Vec::new();
    let output = match target {
        DecryptTarget::Folder(_) | DecryptTarget::KeepBoth(_) => {
            notes.extend(name_note(stored));
            let claimed = claims.claim(&named);
            if claimed != named {
                notes.push(format!(
                    "another input of this call is restored as {}; this one as {}",
                    untrusted::escape_path(&named),
                    untrusted::escape_path(&claimed)
                ));
            }
            claimed
        }
        DecryptTarget::Path(_) => named,
    };
    claims.refuse_input(&output, own)?;
    Ok((output, notes))
}

/// What to tell the user when the stored name could not be used as it is
/// (FORMAT.md §4.2): cleaned of hidden characters or a path, or shortened to
/// what file systems accept.
fn name_note(stored: &str) -> Option<String> {
    let restored = untrusted::restored_name(stored)?;
    let what = match (restored.cleaned, restored.shortened) {
        (_, true) => format!(
            "the stored name is {} bytes long, more than a file name may be; shortened",
            stored.len()
        ),
        (true, false) => {
            "the stored name holds hidden characters or a path; they were removed".to_owned()
        }
        (false, false) => return None,
    };
    Some(format!(
        "{what}: restored as {} (stored: {})",
        untrusted::escape(&restored.name),
        untrusted::escape(stored)
    ))
}

/// How many part files, and how many other entries, a folder holds (hidden
/// files aside: file managers leave `.DS_Store` and the like).
fn count_entries(dir: &Path) -> Result<(usize, usize)> {
    let (mut parts, mut others) = (0, 0);
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type()?.is_file() && parts::is_part_file(&entry.path()) {
            parts += 1;
        } else {
            others += 1;
        }
    }
    Ok((parts, others))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::BatchKeys;
    use crate::input::{dedupe_parts, input_key};
    use crate::seal::{Destination, Format, ShapeOptions, Source, seal as seal_to};
    use tgseal_core::{EncryptOptions, Error, KdfCap, KdfParams, Passphrase};

    const PASS: &str = "correct horse battery staple";
    const TINY: KdfParams = KdfParams {
        memory_kib: 64,
        passes: 1,
        lanes: 1,
    };

    fn seal(input: &Path, dir: &Path, shape: ShapeOptions) -> Vec<PathBuf> {
        let keys = BatchKeys::new(Passphrase::new(PASS).unwrap(), TINY, false).unwrap();
        let format = Format::Sealed {
            keys: &keys,
            shape,
            options: EncryptOptions::default(),
        };
        let destination = Destination::Named {
            dir,
            name: "data.bin.tgseal".into(),
        };
        let control = Control::new();
        let sealed = seal_to(Source::Path(input), destination, false, &format, &control);
        sealed.unwrap().outputs
    }

    fn keyring(pass: &str) -> Keyring {
        Keyring::new(Passphrase::new(pass).unwrap(), KdfCap::DEFAULT)
    }

    fn open_into(path: &Path, dir: &Path, pass: &str) -> Result<Outcome> {
        SealedInput::find(path)?.decrypt(
            &DecryptTarget::Folder(dir.to_path_buf()),
            false,
            &Claims::default(),
            &keyring(pass),
            &DecryptOptions::default(),
            &Control::new(),
        )
    }

    fn plain_file(dir: &Path, len: usize) -> (PathBuf, Vec<u8>) {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let path = dir.join("data.bin");
        std::fs::write(&path, &data).unwrap();
        (path, data)
    }

    #[test]
    fn every_shape_is_recognised_and_opens() {
        let shapes = [
            ShapeOptions::default(),
            ShapeOptions {
                armor: true,
                ..ShapeOptions::default()
            },
            ShapeOptions {
                split: Some(40_000),
                ..ShapeOptions::default()
            },
            ShapeOptions {
                hide_name: true,
                pad: true,
                ..ShapeOptions::default()
            },
        ];
        for shape in shapes {
            let src = tempfile::tempdir().unwrap();
            let (input, data) = plain_file(src.path(), 100_000);
            let sealed_dir = tempfile::tempdir().unwrap();
            let outputs = seal(&input, sealed_dir.path(), shape);
            for output in &outputs {
                let found = SealedInput::recognise(output).unwrap();
                assert!(
                    found.is_some(),
                    "{shape:?}: {} not recognised",
                    output.display()
                );
            }
            // Any part, or the first output, opens the whole file.
            let out = tempfile::tempdir().unwrap();
            let outcome = open_into(outputs.last().unwrap(), out.path(), PASS).unwrap();
            assert_eq!(
                outcome.outputs,
                vec![out.path().join("data.bin")],
                "{shape:?}"
            );
            assert_eq!(
                std::fs::read(&outcome.outputs[0]).unwrap(),
                data,
                "{shape:?}"
            );
            assert_eq!(
                outcome.notes.iter().any(|n| n.contains("parts")),
                outputs.len() > 1
            );
        }
    }

    #[test]
    fn a_folder_of_parts_opens_and_a_plain_folder_is_not_sealed() {
        let src = tempfile::tempdir().unwrap();
        let (input, data) = plain_file(src.path(), 50_000);
        let parts = tempfile::tempdir().unwrap();
        let split = ShapeOptions {
            split: Some(20_000),
            ..ShapeOptions::default()
        };
        assert_eq!(seal(&input, parts.path(), split).len(), 3);
        assert!(matches!(
            SealedInput::recognise(parts.path()).unwrap(),
            Some(SealedInput::Parts(_))
        ));
        let out = tempfile::tempdir().unwrap();
        let outcome = open_into(parts.path(), out.path(), PASS).unwrap();
        assert_eq!(std::fs::read(&outcome.outputs[0]).unwrap(), data);

        assert!(SealedInput::recognise(src.path()).unwrap().is_none());
        assert!(open_into(src.path(), out.path(), PASS).is_err());
    }

    #[test]
    fn parts_given_together_count_once() {
        let src = tempfile::tempdir().unwrap();
        let (input, _) = plain_file(src.path(), 50_000);
        let split = ShapeOptions {
            split: Some(20_000),
            ..ShapeOptions::default()
        };
        let parts = seal(&input, src.path(), split);
        let mut given = parts.clone();
        given.push(input.clone());
        given.push(parts[0].clone());
        assert_eq!(dedupe_parts(&given), vec![parts[0].clone(), input.clone()]);
        assert_eq!(input_key(&parts[2]), src.path().join("data.bin.tgseal"));
        assert_eq!(input_key(&input), input);
    }

    #[test]
    fn plain_files_are_not_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let (input, _) = plain_file(dir.path(), 5000);
        assert!(SealedInput::recognise(&input).unwrap().is_none());
        let empty = dir.path().join("empty");
        std::fs::write(&empty, b"").unwrap();
        assert!(SealedInput::recognise(&empty).unwrap().is_none());
        let out = tempfile::tempdir().unwrap();
        assert!(matches!(
            open_into(&input, out.path(), PASS),
            Err(Error::NotSealed)
        ));
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_missing_part_is_named_and_nothing_is_written() {
        let src = tempfile::tempdir().unwrap();
        let (input, _) = plain_file(src.path(), 50_000);
        let parts = tempfile::tempdir().unwrap();
        let split = ShapeOptions {
            split: Some(20_000),
            ..ShapeOptions::default()
        };
        let outputs = seal(&input, parts.path(), split);
        std::fs::remove_file(&outputs[1]).unwrap();
        let err = SealedInput::recognise(&outputs[0]).unwrap_err();
        assert!(err.to_string().contains(".002"), "{err}");
        let out = tempfile::tempdir().unwrap();
        assert!(open_into(&outputs[0], out.path(), PASS).is_err());
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    }

    #[test]
    fn wrong_passphrase_and_tampering_keep_their_errors_through_every_shape() {
        let src = tempfile::tempdir().unwrap();
        let (input, _) = plain_file(src.path(), 30_000);
        for shape in [
            ShapeOptions {
                armor: true,
                ..ShapeOptions::default()
            },
            ShapeOptions {
                split: Some(10_000),
                ..ShapeOptions::default()
            },
        ] {
            let sealed = tempfile::tempdir().unwrap();
            let outputs = seal(&input, sealed.path(), shape);
            let out = tempfile::tempdir().unwrap();
            assert!(matches!(
                open_into(&outputs[0], out.path(), "wrong passphrase here"),
                Err(Error::WrongPassphrase)
            ));
            // Flip a byte well inside the payload of the last output.
            let last = outputs.last().unwrap();
            let mut bytes = std::fs::read(last).unwrap();
            let at = bytes.len() / 2;
            bytes[at] = if shape.armor {
                // Stay within the armor alphabet so the text still decodes.
                if bytes[at] == b'A' { b'B' } else { b'A' }
            } else {
                bytes[at] ^ 1
            };
            std::fs::write(last, bytes).unwrap();
            let err = open_into(&outputs[0], out.path(), PASS).unwrap_err();
            assert!(err.is_authentication_failure(), "{shape:?}: {err}");
            assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
        }
    }
}
