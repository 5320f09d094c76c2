//! Decrypting age files: with a passphrase (scrypt, under a work-factor cap)
//! or with identities. Plaintext only leaves the age crate's STREAM reader
//! chunk by chunk after each chunk verified; the file-level function writes it
//! to a temporary file that becomes the target only after the final chunk.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use age::secrecy::SecretString;
use tgseal_core::files::{AtomicFile, DecryptTarget, safe_base_name};
use tgseal_core::{Control, Passphrase};

use crate::detect::{
    Encoding, armor_begins_properly, bad_begin_line, inspect, skip_leading_whitespace, sniff,
};
use crate::error::{Error, Result, from_decrypt, from_io};
use crate::keys::Identities;

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

/// Counts bytes read, for progress reports. The count is shared because the
/// age crate's readers do not give their inner reader back.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.count.fetch_add(amt as u64, Ordering::Relaxed);
        self.inner.consume(amt);
    }
}

/// Decrypts the age file read from `input` into `output`; returns the
/// plaintext length. Progress is reported in input bytes against
/// `input_len` when known. Each 64 KiB chunk is written only after it
/// verified; on error, earlier verified chunks may already be in `output`
/// (callers writing a file use [`decrypt_age_file`], which is atomic).
pub fn decrypt(
    input: impl BufRead,
    output: &mut dyn Write,
    with: DecryptWith<'_>,
    control: &Control,
    input_len: Option<u64>,
) -> Result<u64> {
    let count = Arc::new(AtomicU64::new(0));
    let mut input = Counting {
        inner: input,
        count: count.clone(),
    };
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
            decryptor
                .decrypt(std::iter::once(&identity as &dyn age::Identity))
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
    copy_plaintext(reader, output, control, &|| {
        (count.load(Ordering::Relaxed), input_len)
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
/// the temporary file is renamed. Returns the output path and the plaintext length.
pub fn decrypt_age_file(
    input: &Path,
    target: &DecryptTarget,
    with: DecryptWith<'_>,
    overwrite: bool,
    control: &Control,
) -> Result<(PathBuf, u64)> {
    let file = std::fs::File::open(input)?;
    let input_len = file.metadata().ok().map(|m| m.len());
    let output = match target {
        DecryptTarget::Path(path) => path.clone(),
        DecryptTarget::Folder(dir) => dir.join(age_output_name(input)),
    };
    let mut out = AtomicFile::create(&output, overwrite)?;
    let result = {
        let mut writer = std::io::BufWriter::with_capacity(1 << 20, out.file());
        decrypt(
            BufReader::with_capacity(1 << 20, file),
            &mut writer,
            with,
            control,
            input_len,
        )
        .and_then(|n| {
            writer.flush()?;
            Ok(n)
        })
    };
    match result {
        Ok(n) => Ok((out.commit()?, n)),
        // The age crate reports a mixed scrypt + X25519 header as merely
        // invalid; read the header again to say what is wrong with it.
        Err(Error::BadHeader) => Err(explain_bad_header(input)),
        Err(e) => Err(e),
    }
}

fn explain_bad_header(input: &Path) -> Error {
    let summary = std::fs::File::open(input)
        .map_err(Error::from)
        .and_then(|f| inspect(BufReader::new(f)));
    match summary {
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
        let (path, n) = decrypt_age_file(
            &input,
            &DecryptTarget::Folder(out.clone()),
            DecryptWith::Identities(&ids),
            false,
            &Control::new(),
        )
        .unwrap();
        assert_eq!(path, out.join("a"));
        assert_eq!(n, plain.len() as u64);
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
