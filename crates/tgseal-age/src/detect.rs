//! Recognising age files and reading the public part of their header
//! (age specification, c2sp.org/age: "Header" and "ASCII armor").

use std::io::{BufRead, Read};
use std::path::Path;

use crate::error::{Error, Result};

/// The first bytes of every binary age file (any version): `age-encryption.org/`.
pub const BINARY_PREFIX: &[u8] = b"age-encryption.org/";
/// The first line of an armored age file.
pub const ARMOR_BEGIN: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";

/// How an age file is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// The binary format.
    Binary,
    /// ASCII armor (PEM-like base64).
    Armored,
}

/// Whether `prefix` (the first bytes of a file, ideally 64 or more) starts
/// like an age file. Leading whitespace before the armor marker is tolerated
/// (the armor spec lets decoders ignore it).
pub fn sniff(prefix: &[u8]) -> Option<Encoding> {
    if prefix.starts_with(BINARY_PREFIX) {
        return Some(Encoding::Binary);
    }
    let trimmed = skip_whitespace(prefix);
    if trimmed.starts_with(ARMOR_BEGIN) || armor_like(prefix) {
        return Some(Encoding::Armored);
    }
    None
}

/// Something that was meant to be age armor but has a damaged BEGIN line
/// (`-----BEGIN AGE ENCRYPTED MESSAGE-----`, lower case, garbage before it):
/// recognised, so that decrypting it reports the armor, not "not age".
fn armor_like(prefix: &[u8]) -> bool {
    let lower = prefix.to_ascii_lowercase();
    lower.windows(9).any(|w| w == b"begin age")
}

/// Whether the armor starts with its exact BEGIN line (after optional whitespace).
pub(crate) fn armor_begins_properly(prefix: &[u8]) -> bool {
    skip_whitespace(prefix).starts_with(ARMOR_BEGIN)
}

fn skip_whitespace(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// Peeks at a buffered reader without consuming anything.
pub fn is_age(reader: &mut impl BufRead) -> std::io::Result<Option<Encoding>> {
    Ok(sniff(reader.fill_buf()?))
}

/// Reads the first bytes of the file at `path` and tells whether it is an age file.
pub fn is_age_file(path: &Path) -> std::io::Result<Option<Encoding>> {
    let mut prefix = Vec::with_capacity(256);
    std::fs::File::open(path)?
        .take(256)
        .read_to_end(&mut prefix)?;
    Ok(sniff(&prefix))
}

/// One recipient stanza of the header, as far as it can be read without a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StanzaInfo {
    /// The stanza type: `X25519`, `scrypt`, `ssh-ed25519`, `ssh-rsa`, or another tag.
    pub kind: String,
    /// For `scrypt`: log2 of the work factor N.
    pub scrypt_log_n: Option<u8>,
}

/// The public facts of an age file's header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderSummary {
    /// Binary or armored.
    pub encoding: Encoding,
    /// The version line, e.g. `age-encryption.org/v1`.
    pub version: String,
    /// The recipient stanzas, in order.
    pub stanzas: Vec<StanzaInfo>,
}

impl HeaderSummary {
    /// True when the file needs a passphrase (its only stanza is `scrypt`).
    pub fn is_passphrase(&self) -> bool {
        self.stanzas.len() == 1 && self.stanzas[0].kind == "scrypt"
    }

    /// True when a `scrypt` stanza sits beside others (invalid per the spec).
    pub fn mixes_passphrase(&self) -> bool {
        self.stanzas.len() > 1 && self.stanzas.iter().any(|s| s.kind == "scrypt")
    }
}

/// Longest header accepted by [`inspect`]: far above any real one, small
/// enough that a hostile file cannot make us read gigabytes of "header".
const MAX_HEADER: u64 = 1 << 20;

/// Reads the header lines (`age-encryption.org/v1`, `-> TYPE ARGS…`, body
/// lines, `--- MAC`) without any key. Does not verify the MAC: only a key can.
pub fn inspect(mut input: impl BufRead) -> Result<HeaderSummary> {
    let encoding = is_age(&mut input)?.ok_or(Error::NotAge)?;
    if encoding == Encoding::Armored {
        if !armor_begins_properly(input.fill_buf()?) {
            return Err(bad_begin_line());
        }
        skip_leading_whitespace(&mut input)?;
    }
    let mut reader =
        std::io::BufReader::new(age::armor::ArmoredReader::new(input).take(MAX_HEADER));
    let mut line = String::new();
    let mut read_line = |line: &mut String| -> Result<bool> {
        line.clear();
        let n = reader
            .read_line(line)
            .map_err(|e| crate::error::from_io(e, true))?;
        Ok(n > 0 && line.ends_with('\n'))
    };
    if !read_line(&mut line)? {
        return Err(Error::TruncatedHeader);
    }
    let version = line.trim_end_matches('\n').to_owned();
    if version != "age-encryption.org/v1" {
        return Err(Error::UnsupportedVersion);
    }
    let mut stanzas = Vec::new();
    loop {
        if !read_line(&mut line)? {
            return Err(Error::TruncatedHeader);
        }
        let text = line.trim_end_matches('\n');
        if text.starts_with("---") {
            break;
        }
        if let Some(rest) = text.strip_prefix("-> ") {
            let mut args = rest.split(' ');
            let kind = args.next().unwrap_or_default().to_owned();
            let scrypt_log_n = if kind == "scrypt" {
                args.nth(1).and_then(|n| n.parse().ok())
            } else {
                None
            };
            stanzas.push(StanzaInfo { kind, scrypt_log_n });
        }
        // Other lines are stanza bodies (base64): nothing public in them.
    }
    Ok(HeaderSummary {
        encoding,
        version,
        stanzas,
    })
}

/// Whether `prefix` (the first bytes of an age file, binary or armored)
/// starts with the version line `age-encryption.org/v1`. The age crate says
/// "unknown format" for any header it cannot parse as v1, also a damaged v1
/// header: this tells the two apart.
pub(crate) fn declares_v1(prefix: &[u8]) -> bool {
    const V1: &[u8; 22] = b"age-encryption.org/v1\n";
    match sniff(prefix) {
        Some(Encoding::Binary) => prefix.starts_with(V1),
        Some(Encoding::Armored) => {
            let mut reader = age::armor::ArmoredReader::new(skip_whitespace(prefix));
            let mut head = [0u8; 22];
            tgseal_core::read_up_to(&mut reader, &mut head).is_ok_and(|n| n == 22 && &head == V1)
        }
        None => false,
    }
}

pub(crate) fn bad_begin_line() -> Error {
    Error::BadArmor("its first line is not -----BEGIN AGE ENCRYPTED FILE-----".into())
}

/// Consumes ASCII whitespace before an armor marker, so that the age crate's
/// armor detection (which looks at the very first bytes) sees the marker.
pub(crate) fn skip_leading_whitespace(input: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        let n = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if n == 0 {
            return Ok(());
        }
        input.consume(n);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn sniffs_binary_and_armored() {
        assert_eq!(
            sniff(b"age-encryption.org/v1\n-> X"),
            Some(Encoding::Binary)
        );
        assert_eq!(sniff(b"age-encryption.org/v2\n"), Some(Encoding::Binary));
        assert_eq!(
            sniff(b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl"),
            Some(Encoding::Armored)
        );
        assert_eq!(
            sniff(b"\n  -----BEGIN AGE ENCRYPTED FILE-----\n"),
            Some(Encoding::Armored)
        );
        assert_eq!(
            sniff(b"garbage\n-----BEGIN AGE ENCRYPTED MESSAGE-----\n"),
            Some(Encoding::Armored)
        );
        assert!(!armor_begins_properly(
            b"-----BEGIN age ENCRYPTED FILE-----\n"
        ));
        assert_eq!(sniff(b"tgseal\x01"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn the_v1_version_line_is_found_in_binary_and_armor() {
        assert!(declares_v1(b"age-encryption.org/v1\n-> X25519 damaged!"));
        assert!(!declares_v1(b"age-encryption.org/v2\n-> X"));
        // base64("age-encryption.org/v1\n-> X25519 ") on the first armor line.
        let armored =
            b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSA=\n";
        assert!(declares_v1(armored));
        let v2 =
            b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YyCi0+IFgyNTUxOSA=\n";
        assert!(!declares_v1(v2));
    }

    #[test]
    fn inspects_a_header() {
        let header =
            b"age-encryption.org/v1\n-> X25519 abc\nZGVm\n-> scrypt c2FsdA 18\nZGVm\n--- bWFj\n";
        let info = inspect(&header[..]).unwrap();
        assert_eq!(info.encoding, Encoding::Binary);
        assert_eq!(info.stanzas.len(), 2);
        assert_eq!(info.stanzas[1].scrypt_log_n, Some(18));
        assert!(info.mixes_passphrase());
    }
}
