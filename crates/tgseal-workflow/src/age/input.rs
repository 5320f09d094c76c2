//! An age input on disk, in whichever shape it arrived: one age file (binary
//! or armored) or the raw parts of a split one. The age counterpart of
//! `crate::open`, for front ends that decide by the bytes what to do
//! with a dropped path.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use tgseal_age::{DecryptWith, Error, Result, decrypt, inspect, is_age_file};
use tgseal_core::split::parse_part_name;
use tgseal_core::{Control, Summary};

use crate::age::files::{age_output_name, decrypt_to_file, explain_bad_header, output_path};
use crate::age::parts::{AgeParts, is_age_part};
use crate::files::DecryptTarget;

/// What opens an age file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unlock {
    /// The passphrase (an `scrypt` stanza).
    Passphrase,
    /// Identities: private keys for the file's recipient stanzas.
    Identities,
}

/// An age file, whole or in parts.
#[derive(Clone, Debug)]
pub enum AgeInput {
    /// One age file, binary or armored.
    File(PathBuf),
    /// The parts of a split age file (`x.age.001`, …), complete by their names.
    Parts(AgeParts),
}

impl AgeInput {
    /// Recognises an age input by its bytes: `Ok(None)` when `path` is not
    /// one. A folder counts only when it holds nothing but the parts of one
    /// split age file (hidden files aside), so a folder that happens to hold
    /// some is not taken for them. A part whose siblings are missing is an
    /// error naming the missing part.
    pub fn recognise(path: &Path) -> Result<Option<AgeInput>> {
        if path.is_dir() {
            if !holds_only_part_names(path)? || !is_age_part(path) {
                return Ok(None);
            }
            return AgeParts::find(path).map(|parts| Some(AgeInput::Parts(parts)));
        }
        // Before the sniff: part 1 of a split age file starts like an age file.
        if is_age_part(path) {
            return AgeParts::find(path).map(|parts| Some(AgeInput::Parts(parts)));
        }
        Ok(matches!(is_age_file(path), Ok(Some(_))).then(|| AgeInput::File(path.to_path_buf())))
    }

    /// The path the output is named after (`x.age` for `x.age.002`).
    pub fn name_source(&self) -> &Path {
        match self {
            AgeInput::File(path) => path,
            AgeInput::Parts(parts) => parts.base(),
        }
    }

    /// The name of the decrypted file: `x.age` → `x` (age files store no name).
    pub fn output_name(&self) -> String {
        age_output_name(self.name_source())
    }

    /// The age file's size in bytes (all parts together).
    pub fn size(&self) -> Option<u64> {
        match self {
            AgeInput::File(path) => path.metadata().ok().map(|m| m.len()),
            AgeInput::Parts(parts) => Some(parts.len()),
        }
    }

    /// How many files the age file is read from.
    pub fn file_count(&self) -> usize {
        match self {
            AgeInput::File(_) => 1,
            AgeInput::Parts(parts) => parts.paths().count(),
        }
    }

    /// The age file's bytes (the parts joined), and how many there are.
    pub fn reader(&self) -> Result<(Box<dyn BufRead + Send>, u64)> {
        Ok(match self {
            AgeInput::File(path) => {
                let file = std::fs::File::open(path)?;
                let len = file.metadata()?.len();
                (Box::new(BufReader::with_capacity(1 << 20, file)), len)
            }
            AgeInput::Parts(parts) => (
                Box::new(BufReader::with_capacity(1 << 20, parts.reader())),
                parts.len(),
            ),
        })
    }

    /// What opens it, as its header says: a passphrase (its only stanza is
    /// `scrypt`) or identities. `Ok(None)` when the header cannot be read:
    /// the decryptor then says what is wrong with it. A header that mixes
    /// scrypt with other stanzas is refused, as age refuses it.
    pub fn unlock(&self) -> Result<Option<Unlock>> {
        match inspect(self.reader()?.0) {
            Ok(header) if header.is_passphrase() => Ok(Some(Unlock::Passphrase)),
            Ok(header) if header.mixes_passphrase() => Err(Error::MixedPassphrase),
            Ok(_) => Ok(Some(Unlock::Identities)),
            Err(_) => Ok(None),
        }
    }

    /// Whether it opens with a passphrase (see [`AgeInput::unlock`]).
    pub fn opens_with_passphrase(&self) -> bool {
        matches!(self.unlock(), Ok(Some(Unlock::Passphrase)))
    }

    /// Decrypts to a writer (standard output), which cannot be atomic: each
    /// chunk is written only after it verified. For parts, an age file that
    /// ends early names the part that is probably missing.
    pub fn decrypt_to(
        &self,
        output: &mut dyn Write,
        with: DecryptWith<'_>,
        control: &Control,
    ) -> Result<Summary> {
        let (reader, len) = self.reader()?;
        let result = decrypt(reader, output, with, control, Some(len));
        match self {
            AgeInput::File(_) => result,
            AgeInput::Parts(parts) => result.map_err(|e| parts.explain(e)),
        }
    }

    /// Decrypts into `target` atomically: the plaintext exists only in a
    /// temporary file beside the target until the final chunk verified, then
    /// the temporary file is renamed (`X.age`, `X.age.001`… become `X`).
    /// For parts, an age file that ends early names the part that is
    /// probably missing.
    pub fn decrypt(
        &self,
        target: &DecryptTarget,
        with: DecryptWith<'_>,
        overwrite: bool,
        control: &Control,
    ) -> Result<(PathBuf, Summary)> {
        let (reader, len) = self.reader()?;
        let output = output_path(target, self.name_source());
        let result = decrypt_to_file(reader, Some(len), &output, with, overwrite, control)
            .map_err(|e| explain_bad_header(e, || self.reader().map(|(reader, _)| reader)));
        match self {
            AgeInput::File(_) => result,
            AgeInput::Parts(parts) => result.map_err(|e| parts.explain(e)),
        }
    }
}

/// Whether every entry of `dir` (hidden ones aside) is a file named like a part.
fn holds_only_part_names(dir: &Path) -> Result<bool> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if !entry.file_type()?.is_file() || parse_part_name(&name).is_none() {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::input::input_key;
    use crate::seal::{Destination, Format, Source, seal};
    use tgseal_age::{Armor, EncryptTo, Identities, generate_identity, parse_recipient};

    fn split_age(dir: &Path, plain: &[u8], to: &EncryptTo) -> Vec<PathBuf> {
        let format = Format::Age {
            to,
            armor: Armor::Binary,
            split: Some(4096),
            hide_name: false,
        };
        let destination = Destination::Named {
            dir,
            name: "notes.txt.age".into(),
        };
        let source = Source::Stream(&mut &plain[..]);
        let sealed = seal(source, destination, false, &format, &Control::new());
        sealed.unwrap().outputs
    }

    fn plain() -> Vec<u8> {
        (0..10_000u32).map(|i| (i % 251) as u8).collect()
    }

    #[test]
    fn any_part_or_the_folder_of_parts_opens_the_whole_file() {
        let key = generate_identity();
        let to = EncryptTo::Recipients(vec![parse_recipient(&key.public_key).unwrap()]);
        let identities = Identities::from_text(key.file_text.as_bytes()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let parts = split_age(dir.path(), &plain(), &to);
        assert_eq!(parts.len(), 3);
        for given in [&parts[2], &parts[0], &dir.path().to_path_buf()] {
            let input = AgeInput::recognise(given).unwrap().unwrap();
            assert!(matches!(input, AgeInput::Parts(_)), "{}", given.display());
            assert_eq!(input.output_name(), "notes.txt");
            assert_eq!(input.file_count(), 3);
            assert!(!input.opens_with_passphrase());
            assert_eq!(input.unlock().unwrap(), Some(Unlock::Identities));
            let mut streamed = Vec::new();
            input
                .decrypt_to(
                    &mut streamed,
                    DecryptWith::Identities(&identities),
                    &Control::new(),
                )
                .unwrap();
            assert_eq!(streamed, plain());
            let out = tempfile::tempdir().unwrap();
            let (path, _) = input
                .decrypt(
                    &DecryptTarget::Folder(out.path().to_path_buf()),
                    DecryptWith::Identities(&identities),
                    false,
                    &Control::new(),
                )
                .unwrap();
            assert_eq!(std::fs::read(path).unwrap(), plain());
        }
        assert_eq!(input_key(&parts[1]), dir.path().join("notes.txt.age"));
    }

    #[test]
    fn a_passphrase_file_says_so_and_other_things_are_not_age() {
        let dir = tempfile::tempdir().unwrap();
        let to = EncryptTo::Passphrase {
            passphrase: tgseal_core::Passphrase::new("correct horse battery").unwrap(),
            work_factor: 2,
        };
        let mut sealed = Vec::new();
        tgseal_age::encrypt(
            &mut &b"hi"[..],
            &mut sealed,
            &to,
            Armor::Armored,
            &Control::new(),
            None,
        )
        .unwrap();
        let file = dir.path().join("hi.txt.age");
        std::fs::write(&file, sealed).unwrap();
        let input = AgeInput::recognise(&file).unwrap().unwrap();
        assert!(matches!(input, AgeInput::File(_)));
        assert!(input.opens_with_passphrase());
        assert_eq!(input_key(&file), file);

        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, b"just text").unwrap();
        assert!(AgeInput::recognise(&plain).unwrap().is_none());
        // A folder holding other files besides is not taken for parts.
        assert!(AgeInput::recognise(dir.path()).unwrap().is_none());
    }

    #[test]
    fn a_missing_part_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let to = EncryptTo::Passphrase {
            passphrase: tgseal_core::Passphrase::new("correct horse battery").unwrap(),
            work_factor: 2,
        };
        let parts = split_age(dir.path(), &plain(), &to);
        std::fs::remove_file(&parts[1]).unwrap();
        let err = AgeInput::recognise(&parts[2]).unwrap_err();
        assert!(err.to_string().contains("notes.txt.age.002"), "{err}");
    }
}
