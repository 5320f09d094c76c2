//! Decrypting age files: with a passphrase (scrypt, under a work-factor cap)
//! or with identities. Plaintext only leaves the age crate's STREAM reader
//! chunk by chunk after each chunk verified; the file-level function writes it
//! to a temporary file that becomes the target only after the final chunk.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use tgseal_core::files::{AtomicFile, DecryptTarget, safe_base_name};
use tgseal_core::{Control, Passphrase, Summary};

use crate::count::{self, Counting};
use crate::detect::{
    Encoding, armor_begins_properly, bad_begin_line, inspect, skip_leading_whitespace, sniff,
};
use crate::encrypt::one_scrypt_at_a_time;
use crate::error::{Error, Result, from_decrypt, from_io};
use crate::keys::Identities;
use crate::parts::AgeParts;

/// Default cap on the scrypt work factor, as log2(N): 2^21 needs 2 GiB of
/// memory (128·r·N bytes, r = 8), the same memory cap as the native format's
/// Argon2id cap (FORMAT.md §2.3). age itself writes 2^18 by default.
pub const DEFAULT_MAX_WORK_FACTOR: u8 = 21;

/// What opens an age file.
#[derive(Clone, Copy)]
pub enum DecryptWith<'a> {
    /// A passphrase (the file's only stanza is `scrypt`).
    Passphrase {
        /// The passphrase (NFC-normalised, like everywhere in tgseal).
        passphrase: &'a Passphrase,
        /// Highest accepted scrypt work factor, log2(N).
        max_work_factor: u8,
    },
    /// Private keys (X25519, SSH).
    Identities(&'a Identities),
}

impl<'a> DecryptWith<'a> {
    /// A passphrase with the default work-factor cap.
    pub fn passphrase(passphrase: &'a Passphrase) -> Self {
        DecryptWith::Passphrase {
            passphrase,
            max_work_factor: DEFAULT_MAX_WORK_FACTOR,
        }
    }
}

/// Decrypts the age file read from `input` into `output`; returns the bytes
/// read (the age file) and written (the plaintext). Progress is reported in input bytes against
/// `input_len` when known. Each 64 KiB chunk is written only after it
/// verified; on error, earlier verified chunks may already be in `output`
/// (callers writing a file use [`decrypt_age_file`], which is atomic).
pub fn decrypt(
    input: impl BufRead,
    output: &mut dyn Write,
    with: DecryptWith<'_>,
    control: &Control,
    input_len: Option<u64>,
) -> Result<Summary> {
    let (mut input, count) = Counting::new(input);
    // Read the first bytes whole: a pipe may deliver fewer than a BufRead peek needs.
    let mut prefix = Vec::with_capacity(256);
    (&mut input).take(256).read_to_end(&mut prefix)?;
    let encoding = sniff(&prefix);
    let prefix_head = prefix.clone();
    let mut input = std::io::Cursor::new(prefix).chain(input);
    match encoding {
        None => return Err(Error::NotAge),
        Some(Encoding::Armored) => {
            if !armor_begins_properly(&prefix_head) {
                return Err(bad_begin_line());
            }
            skip_leading_whitespace(&mut input)?;
        }
        Some(Encoding::Binary) => {
            // The age crate reads an unknown version's header to its end
            // before saying so; name the real problem at once.
            if !input.fill_buf()?.starts_with(b"age-encryption.org/v1") {
                return Err(Error::UnsupportedVersion);
            }
        }
    }
    let decryptor = age::Decryptor::new_buffered(age::armor::ArmoredReader::new(input))
        .map_err(|e| from_decrypt(e, false, 0))?;
    control.check()?;
    let reader = match with {
        DecryptWith::Passphrase {
            passphrase,
            max_work_factor,
        } => {
            if !decryptor.is_scrypt() {
                return Err(Error::NeedsIdentity);
            }
            let mut identity =
                age::scrypt::Identity::new(SecretString::from(passphrase.expose().to_owned()));
            identity.set_max_work_factor(max_work_factor);
            one_scrypt_at_a_time(|| {
                decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity))
            })
            .map_err(|e| from_decrypt(e, true, max_work_factor))?
        }
        DecryptWith::Identities(identities) => {
            if decryptor.is_scrypt() {
                return Err(Error::NeedsPassphrase);
            }
            decryptor
                .decrypt(
                    identities
                        .0
                        .iter()
                        .map(|i| i.as_ref() as &dyn age::Identity),
                )
                .map_err(|e| from_decrypt(e, false, 0))?
        }
    };
    let written = copy_plaintext(reader, output, control, &|| {
        (count::read(&count), input_len)
    })?;
    Ok(Summary {
        bytes_in: count::read(&count),
        bytes_out: written,
    })
}

fn copy_plaintext(
    mut reader: impl Read,
    output: &mut dyn Write,
    control: &Control,
    progress: &dyn Fn() -> (u64, Option<u64>),
) -> Result<u64> {
    // One age chunk at a time: the reader hands out only verified chunks.
    let mut buf = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    loop {
        control.check()?;
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                buf.iter_mut().for_each(|b| *b = 0);
                return Err(from_io(e, false));
            }
        };
        output.write_all(&buf[..n])?;
        written += n as u64;
        let (done, total) = progress();
        control.report(done, total);
    }
    zeroize::Zeroize::zeroize(&mut buf[..]);
    Ok(written)
}

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

/// Decrypts the age file at `input` atomically: the plaintext exists only in
/// a temporary file beside the target until the final chunk verified, then
/// the temporary file is renamed. Returns the output path and the bytes moved.
pub fn decrypt_age_file(
    input: &Path,
    target: &DecryptTarget,
    with: DecryptWith<'_>,
    overwrite: bool,
    control: &Control,
) -> Result<(PathBuf, Summary)> {
    let open = || -> Result<_> {
        let file = std::fs::File::open(input)?;
        let len = file.metadata()?.len();
        Ok((BufReader::with_capacity(1 << 20, file), len))
    };
    let (reader, len) = open()?;
    let output = output_path(target, input);
    decrypt_to_file(reader, Some(len), &output, with, overwrite, control)
        .map_err(|e| explain_bad_header(e, || open().map(|(reader, _)| reader)))
}

/// Decrypts a split age file from its parts (see [`AgeParts`]) atomically,
/// like [`decrypt_age_file`]; `X.age.001`, … become `X`. An age file that
/// ends early names the part that is probably missing.
pub fn decrypt_age_parts(
    parts: &AgeParts,
    target: &DecryptTarget,
    with: DecryptWith<'_>,
    overwrite: bool,
    control: &Control,
) -> Result<(PathBuf, Summary)> {
    let open = || Ok(BufReader::with_capacity(1 << 20, parts.reader()));
    let output = output_path(target, parts.base());
    decrypt_to_file(
        open()?,
        Some(parts.len()),
        &output,
        with,
        overwrite,
        control,
    )
    .map_err(|e| parts.explain(explain_bad_header(e, open)))
}

/// Where [`decrypt_age_file`] writes: `X.age` in a folder becomes `X` there.
fn output_path(target: &DecryptTarget, input: &Path) -> PathBuf {
    match target {
        DecryptTarget::Path(path) => path.clone(),
        DecryptTarget::Folder(dir) => dir.join(age_output_name(input)),
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
fn explain_bad_header<R: BufRead>(err: Error, open: impl FnOnce() -> Result<R>) -> Error {
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
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::{Armor, EncryptTo, generate_identity, parse_recipient};

    fn sealed_to(public: &str, plain: &[u8], armor: Armor) -> Vec<u8> {
        let to = EncryptTo::Recipients(vec![parse_recipient(public).unwrap()]);
        let mut out = Vec::new();
        crate::encrypt(&mut &plain[..], &mut out, &to, armor, &Control::new(), None).unwrap();
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
        let result = decrypt_age_file(
            &input,
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
        let (path, summary) = decrypt_age_file(
            &input,
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

    #[test]
    fn a_passphrase_is_refused_for_a_public_key_file_and_vice_versa() {
        let key = generate_identity();
        let sealed = sealed_to(&key.public_key, b"x", Armor::Binary);
        let pass = Passphrase::new("p").unwrap();
        let err = decrypt(
            &sealed[..],
            &mut Vec::new(),
            DecryptWith::passphrase(&pass),
            &Control::new(),
            None,
        )
        .unwrap_err();
        assert!(matches!(err, Error::NeedsIdentity));
        assert!(matches!(
            decrypt(
                &b"tgseal\x01"[..],
                &mut Vec::new(),
                DecryptWith::passphrase(&pass),
                &Control::new(),
                None
            ),
            Err(Error::NotAge)
        ));
    }
}
