//! age files on disk: atomic output (a temporary file beside the target,
//! renamed only when complete), split age output in raw parts, and the names
//! decrypted age files get. The streams themselves are `tgseal_age`'s.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use tgseal_age::{DecryptWith, Error, Result, decrypt, inspect};
use tgseal_core::{Control, Summary};

use crate::files::{AtomicFile, DecryptTarget, free_path, safe_base_name};

/// The name a decrypted age file gets: `X.age` → `X`, anything else → `X.decrypted`
/// (age files store no name).
pub fn age_output_name(input: &Path) -> String {
    let own = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match own.strip_suffix(".age").and_then(safe_base_name) {
        Some(stem) => stem,
        None => format!("{own}.decrypted"),
    }
}

/// Where an age input is decrypted to: `X.age` in a folder becomes `X` there.
pub fn output_path(target: &DecryptTarget, input: &Path) -> PathBuf {
    match target {
        DecryptTarget::Path(path) => path.clone(),
        DecryptTarget::Folder(dir) => dir.join(age_output_name(input)),
        DecryptTarget::KeepBoth(dir) => free_path(&dir.join(age_output_name(input))),
    }
}

/// Decrypts the age file read from `input` into the file `output`
/// atomically (also from a stream: standard input). Returns the path
/// written and the bytes moved.
pub fn decrypt_to_file(
    input: impl BufRead,
    input_len: Option<u64>,
    output: &Path,
    with: DecryptWith<'_>,
    overwrite: bool,
    control: &Control,
) -> Result<(PathBuf, Summary)> {
    let mut out = AtomicFile::create(output, overwrite)?;
    let summary = {
        let mut writer = std::io::BufWriter::with_capacity(1 << 20, out.file());
        let summary = decrypt(input, &mut writer, with, control, input_len)?;
        writer.flush()?;
        summary
    };
    Ok((out.commit()?, summary))
}

/// The age crate reports a mixed scrypt + X25519 header as merely invalid;
/// read the header again (from `open`) to say what is wrong with it.
pub fn explain_bad_header<R: BufRead>(err: Error, open: impl FnOnce() -> Result<R>) -> Error {
    if !matches!(err, Error::BadHeader) {
        return err;
    }
    match open().and_then(inspect) {
        Ok(s) if s.mixes_passphrase() => Error::MixedPassphrase,
        _ => Error::BadHeader,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tgseal_age::{Armor, EncryptTo, Identities, encrypt, generate_identity, parse_recipient};

    fn sealed_to(public: &str, plain: &[u8], armor: Armor) -> Vec<u8> {
        let to = EncryptTo::Recipients(vec![parse_recipient(public).unwrap()]);
        let mut out = Vec::new();
        encrypt(&mut &plain[..], &mut out, &to, armor, &Control::new(), None).unwrap();
        out
    }

    #[test]
    fn output_names() {
        assert_eq!(
            age_output_name(Path::new("/x/report.pdf.age")),
            "report.pdf"
        );
        assert_eq!(age_output_name(Path::new("msg.txt")), "msg.txt.decrypted");
        assert_eq!(age_output_name(Path::new(".age")), ".age.decrypted");
    }

    #[test]
    fn cancelled_decryption_leaves_nothing_behind() {
        let key = generate_identity();
        let ids = Identities::from_text(key.file_text.as_bytes()).unwrap();
        let plain = vec![7u8; 300_000];
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.age");
        std::fs::write(&input, sealed_to(&key.public_key, &plain, Armor::Armored)).unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let control = Control::new();
        let canceller = control.clone();
        let control = control.with_progress(move |_| canceller.cancel());
        let result = crate::age::input::AgeInput::File(input.clone()).decrypt(
            &DecryptTarget::Folder(out.clone()),
            DecryptWith::Identities(&ids),
            false,
            &control,
        );
        assert!(matches!(
            result,
            Err(Error::Core(tgseal_core::Error::Cancelled))
        ));
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
        let (path, summary) = crate::age::input::AgeInput::File(input.clone())
            .decrypt(
                &DecryptTarget::Folder(out.clone()),
                DecryptWith::Identities(&ids),
                false,
                &Control::new(),
            )
            .unwrap();
        assert_eq!(path, out.join("a"));
        assert_eq!(summary.bytes_out, plain.len() as u64);
        assert_eq!(summary.bytes_in, std::fs::metadata(&input).unwrap().len());
        assert_eq!(std::fs::read(path).unwrap(), plain);
    }
}
