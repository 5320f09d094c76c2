//! Decrypting age files: with a passphrase (scrypt, under a work-factor cap)
//! or with identities. Plaintext only leaves the age crate's STREAM reader
//! chunk by chunk after each chunk verified; the file-level function writes it
//! to a temporary file that becomes the target only after the final chunk.

use std::io::{BufRead, Read, Write};

use age::secrecy::SecretString;
use tgseal_core::{Control, Passphrase, Summary};

use crate::detect::{
    Encoding, armor_begins_properly, bad_begin_line, declares_v1, skip_leading_whitespace, sniff,
};
use crate::encrypt::one_scrypt_at_a_time;
use crate::error::{Error, Result, from_decrypt, from_io};
use crate::keys::Identities;
use tgseal_core::count::{self, Counting};

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
    let v1 = declares_v1(&prefix_head);
    let decryptor =
        age::Decryptor::new_buffered(age::armor::ArmoredReader::new(input)).map_err(|e| {
            match from_decrypt(e, false, 0) {
                // The age crate reads a v1 header it cannot parse as an unknown
                // version: with a v1 version line, the header is damaged.
                Error::UnsupportedVersion if v1 => Error::BadHeader,
                other => other,
            }
        })?;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::{Armor, EncryptTo, Identities, generate_identity, parse_recipient};

    fn sealed_to(public: &str, plain: &[u8], armor: Armor) -> Vec<u8> {
        let to = EncryptTo::Recipients(vec![parse_recipient(public).unwrap()]);
        let mut out = Vec::new();
        crate::encrypt(&mut &plain[..], &mut out, &to, armor, &Control::new(), None).unwrap();
        out
    }

    #[test]
    fn a_damaged_v1_header_is_damage_not_an_unknown_version() {
        let key = generate_identity();
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("key.txt");
        std::fs::write(&key_file, key.file_text.as_bytes()).unwrap();
        let mut identities = Identities::new();
        identities.add_file(&key_file, &|_| None).unwrap();
        // A character that is not base64 in the stanza's body line: the v1
        // version line stays intact, the header no longer parses.
        let mut damaged = sealed_to(&key.public_key, b"x", Armor::Binary);
        let body = damaged
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(1);
        let at = body.map(|(i, _)| i + 1).unwrap();
        damaged[at] = b'!';
        let mut armored = Vec::new();
        {
            let mut writer = age::armor::ArmoredWriter::wrap_output(
                &mut armored,
                age::armor::Format::AsciiArmor,
            )
            .unwrap();
            std::io::Write::write_all(&mut writer, &damaged).unwrap();
            writer.finish().unwrap();
        }
        for (armor, damaged) in [(Armor::Binary, damaged), (Armor::Armored, armored)] {
            let err = decrypt(
                &damaged[..],
                &mut Vec::new(),
                DecryptWith::Identities(&identities),
                &Control::new(),
                None,
            )
            .unwrap_err();
            assert!(
                !matches!(err, Error::UnsupportedVersion),
                "{armor:?}: {err}"
            );
            assert!(err.is_authentication_failure(), "{armor:?}: {err}");
        }
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
