//! The bytes of a sealed file's header and metadata record: the one module that
//! reads and writes them. Section numbers refer to docs/FORMAT.md.

use std::io::Read;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce, Tag};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::crypto::kdf::KdfParams;
use crate::crypto::keys::{FileKeys, MasterKey, fill_random};
use crate::crypto::stream::ChunkSize;
use crate::{Error, Result};

/// §2.1: the first six bytes of every sealed file.
pub const MAGIC: &[u8; 6] = b"tgseal";
/// §2.1: the format version this build writes (and the only one it reads).
pub const VERSION: u8 = 1;
/// §2.2: KDF algorithm identifier for Argon2id version 0x13.
const KDF_ARGON2ID_13: u8 = 1;
/// §2.2: bytes before the sealed metadata.
const FIXED_LEN: usize = 87;
/// §2.2: length of the HMAC-SHA256 tag that ends the header.
const MAC_LEN: usize = 32;
/// §4: the longest name stored, in bytes.
pub const MAX_NAME_LEN: usize = 1024;
/// §4: metadata record length without the name.
const METADATA_FIXED_LEN: usize = 32;
/// §2.2: AEAD tag length.
const TAG_LEN: usize = 16;
/// §2.2: the largest sealed metadata length a valid file can have.
const MAX_SEALED_METADATA_LEN: usize = METADATA_FIXED_LEN + MAX_NAME_LEN + TAG_LEN;

/// The parsed header of a sealed file (§2.2). Nothing in it is trusted until
/// [`Header::authenticate`] has checked its MAC.
#[derive(Clone, Debug)]
pub(crate) struct Header {
    pub(crate) kdf: KdfParams,
    pub(crate) salt: [u8; 16],
    pub(crate) check: [u8; 16],
    pub(crate) seed: [u8; 32],
    pub(crate) chunk_size: ChunkSize,
    pub(crate) sealed_metadata: Vec<u8>,
    pub(crate) mac: [u8; 32],
}

/// What `inspect` shows: the public facts of a header, readable without a key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HeaderInfo {
    /// Format version (§2.1).
    pub version: u8,
    /// Argon2id parameters (§2.2).
    pub kdf: KdfParams,
    /// Payload chunk size in bytes (§5).
    pub chunk_size: usize,
    /// Total header length in bytes, where the payload starts.
    pub header_len: usize,
    /// Length of the encrypted metadata record (§4), including its tag.
    pub sealed_metadata_len: usize,
}

impl Header {
    /// Builds the header of a new file: fresh random seed, metadata sealed, MAC computed.
    pub(crate) fn seal(
        master: &MasterKey,
        chunk_size: ChunkSize,
        metadata: &Metadata,
    ) -> Result<(Header, FileKeys)> {
        let mut seed = [0u8; 32];
        fill_random(&mut seed)?;
        let keys = master.file_keys(&seed);
        let mut record = Zeroizing::new(metadata.encode()?);
        let tag = metadata_cipher(&keys)
            .encrypt_inout_detached(&Nonce::default(), &[], record.as_mut_slice().into())
            .map_err(|_| Error::Io(std::io::Error::other("metadata encryption failed")))?;
        let mut sealed_metadata = record.to_vec();
        sealed_metadata.extend_from_slice(&tag);
        let mut header = Header {
            kdf: master.params(),
            salt: *master.salt(),
            check: *master.check(),
            seed,
            chunk_size,
            sealed_metadata,
            mac: [0u8; 32],
        };
        header.mac = header_mac(&keys, &header.unauthenticated_bytes())?;
        Ok((header, keys))
    }

    /// §2.2: every header byte before the MAC.
    fn unauthenticated_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(FIXED_LEN + self.sealed_metadata.len());
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.push(KDF_ARGON2ID_13);
        out.extend_from_slice(&self.kdf.memory_kib.to_le_bytes());
        out.extend_from_slice(&self.kdf.passes.to_le_bytes());
        out.extend_from_slice(&self.kdf.lanes.to_le_bytes());
        out.extend_from_slice(&self.salt);
        out.extend_from_slice(&self.check);
        out.extend_from_slice(&self.seed);
        out.push(self.chunk_size.log2());
        // The length fits: sealed metadata is at most MAX_SEALED_METADATA_LEN.
        out.extend_from_slice(&(self.sealed_metadata.len() as u16).to_le_bytes());
        out.extend_from_slice(&self.sealed_metadata);
        out
    }

    /// The complete header bytes as written to the file.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.unauthenticated_bytes();
        out.extend_from_slice(&self.mac);
        out
    }

    /// Reads and parses a header. Checks structure only; see [`Header::authenticate`].
    pub(crate) fn read(input: &mut impl Read) -> Result<Header> {
        let mut fixed = [0u8; FIXED_LEN];
        let got = read_up_to(input, &mut fixed)?;
        if got < MAGIC.len() || &fixed[..MAGIC.len()] != MAGIC {
            return Err(Error::NotSealed);
        }
        if got > 6 && fixed[6] == b'p' {
            // §10: `tgsealp` starts a part of a split sealed file.
            return Err(Error::UnsupportedVersion(
                "this is one part of a split sealed file; decrypt it by its path, \
                 and tgseal finds its sibling parts"
                    .into(),
            ));
        }
        if got > 6 && fixed[6] != VERSION {
            return Err(Error::UnsupportedVersion(format!(
                "format version {} (this tgseal reads version {VERSION}; a newer tgseal may open it)",
                fixed[6]
            )));
        }
        if got < FIXED_LEN {
            return Err(Error::Truncated);
        }
        if fixed[7] != KDF_ARGON2ID_13 {
            return Err(Error::UnsupportedVersion(format!(
                "key derivation algorithm {} (this tgseal knows only Argon2id, 1)",
                fixed[7]
            )));
        }
        let u32_at =
            |i: usize| u32::from_le_bytes([fixed[i], fixed[i + 1], fixed[i + 2], fixed[i + 3]]);
        let kdf = KdfParams {
            memory_kib: u32_at(8),
            passes: u32_at(12),
            lanes: u32_at(16),
        };
        let chunk_size = ChunkSize::from_log2(fixed[84])
            .ok_or(Error::Tampered("invalid chunk size in the header"))?;
        let sealed_len = usize::from(u16::from_le_bytes([fixed[85], fixed[86]]));
        if !(METADATA_FIXED_LEN + TAG_LEN..=MAX_SEALED_METADATA_LEN).contains(&sealed_len) {
            return Err(Error::Tampered("invalid metadata length in the header"));
        }
        let mut rest = vec![0u8; sealed_len + MAC_LEN];
        if read_up_to(input, &mut rest)? < rest.len() {
            return Err(Error::Truncated);
        }
        let mac = rest.split_off(sealed_len);
        Ok(Header {
            kdf,
            salt: array(&fixed[20..36]),
            check: array(&fixed[36..52]),
            seed: array(&fixed[52..84]),
            chunk_size,
            sealed_metadata: rest,
            mac: array(&mac),
        })
    }

    /// §3.5: checks the header MAC and opens the metadata record.
    pub(crate) fn authenticate(&self, master: &MasterKey) -> Result<(FileKeys, Metadata)> {
        let keys = master.file_keys(&self.seed);
        let mut mac = Hmac::<Sha256>::new_from_slice(keys.header_mac.as_ref())
            .map_err(|_| Error::Tampered("header"))?;
        mac.update(&self.unauthenticated_bytes());
        mac.verify_slice(&self.mac)
            .map_err(|_| Error::Tampered("the header does not authenticate"))?;
        let (body, tag) = self
            .sealed_metadata
            .split_at(self.sealed_metadata.len() - TAG_LEN);
        let mut record = Zeroizing::new(body.to_vec());
        metadata_cipher(&keys)
            .decrypt_inout_detached(
                &Nonce::default(),
                &[],
                record.as_mut_slice().into(),
                &Tag::try_from(tag).map_err(|_| Error::Tampered("metadata"))?,
            )
            .map_err(|_| Error::Tampered("the metadata record does not authenticate"))?;
        let metadata = Metadata::decode(&record)?;
        Ok((keys, metadata))
    }

    pub(crate) fn info(&self) -> HeaderInfo {
        HeaderInfo {
            version: VERSION,
            kdf: self.kdf,
            chunk_size: self.chunk_size.bytes(),
            header_len: FIXED_LEN + self.sealed_metadata.len() + MAC_LEN,
            sealed_metadata_len: self.sealed_metadata.len(),
        }
    }
}

fn metadata_cipher(keys: &FileKeys) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(&(*keys.metadata).into())
}

fn header_mac(keys: &FileKeys, bytes: &[u8]) -> Result<[u8; 32]> {
    let mut mac = Hmac::<Sha256>::new_from_slice(keys.header_mac.as_ref())
        .map_err(|_| Error::Io(std::io::Error::other("HMAC key")))?;
    mac.update(bytes);
    Ok(mac.finalize().into_bytes().into())
}

fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(bytes);
    out
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
pub fn read_up_to(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// §4: what kind of content the payload holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContentKind {
    /// One file's bytes.
    File,
    /// A folder, as a POSIX ustar/PAX archive stream.
    Folder,
    /// A short text message (UTF-8).
    Text,
}

impl ContentKind {
    fn code(self) -> u8 {
        match self {
            ContentKind::File => 0,
            ContentKind::Folder => 1,
            ContentKind::Text => 2,
        }
    }

    fn from_code(code: u8) -> Result<Self> {
        match code {
            0 => Ok(ContentKind::File),
            1 => Ok(ContentKind::Folder),
            2 => Ok(ContentKind::Text),
            other => Err(Error::UnsupportedVersion(format!(
                "content kind {other} (a newer tgseal may open it)"
            ))),
        }
    }
}

/// §4: the encrypted metadata record: what the sealed content is, never
/// visible outside the ciphertext.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// What the payload holds.
    pub kind: ContentKind,
    /// The original base name (empty when unknown, e.g. standard input).
    pub name: String,
    /// Content length in bytes, when known at sealing time.
    pub content_len: Option<u64>,
    /// Zero bytes appended after the content to hide its exact size.
    pub padding_len: u64,
    /// The original modification time, when known.
    pub modified: Option<SystemTime>,
}

impl Metadata {
    /// Metadata for a file's bytes.
    pub fn file(
        name: impl Into<String>,
        content_len: Option<u64>,
        modified: Option<SystemTime>,
    ) -> Self {
        Metadata {
            kind: ContentKind::File,
            name: name.into(),
            content_len,
            padding_len: 0,
            modified,
        }
    }

    /// Checks what the encoder would refuse.
    pub fn validate(&self) -> Result<()> {
        if self.name.len() > MAX_NAME_LEN {
            return Err(Error::InvalidName(format!(
                "the name is longer than {MAX_NAME_LEN} bytes"
            )));
        }
        if self.name.contains(['/', '\0']) || self.name == "." || self.name == ".." {
            return Err(Error::InvalidName(format!(
                "{:?} is not a base name",
                self.name
            )));
        }
        if self.padding_len > 0 && self.content_len.is_none() {
            return Err(Error::InvalidName(
                "padding needs the content length to be known in advance".into(),
            ));
        }
        if self.content_len.is_some() && self.payload_len().is_none() {
            return Err(Error::CannotPad(
                "the content length plus the padding exceeds 2^64 - 1 bytes",
            ));
        }
        Ok(())
    }

    fn encode(&self) -> Result<Vec<u8>> {
        self.validate()?;
        let mut out = Vec::with_capacity(METADATA_FIXED_LEN + self.name.len());
        out.push(self.kind.code());
        out.push(0); // flags: none defined in v1
        out.extend_from_slice(&self.content_len.unwrap_or(u64::MAX).to_le_bytes());
        out.extend_from_slice(&self.padding_len.to_le_bytes());
        let (secs, nanos) = match self.modified.map(unix_time) {
            Some((secs, nanos)) => (secs, nanos),
            None => (i64::MIN, 0),
        };
        out.extend_from_slice(&secs.to_le_bytes());
        out.extend_from_slice(&nanos.to_le_bytes());
        out.extend_from_slice(&(self.name.len() as u16).to_le_bytes());
        out.extend_from_slice(self.name.as_bytes());
        Ok(out)
    }

    fn decode(record: &[u8]) -> Result<Self> {
        let bad = |why| Error::Tampered(why);
        if record.len() < METADATA_FIXED_LEN {
            return Err(bad("metadata record too short"));
        }
        let kind = ContentKind::from_code(record[0])?;
        if record[1] != 0 {
            return Err(Error::UnsupportedVersion(format!(
                "metadata flags {:#04x} (a newer tgseal may open it)",
                record[1]
            )));
        }
        let u64_at = |i: usize| u64::from_le_bytes(array(&record[i..i + 8]));
        let content_len = Some(u64_at(2)).filter(|&n| n != u64::MAX);
        let padding_len = u64_at(10);
        let secs = i64::from_le_bytes(array(&record[18..26]));
        let nanos = u32::from_le_bytes(array(&record[26..30]));
        let name_len = usize::from(u16::from_le_bytes([record[30], record[31]]));
        if record.len() != METADATA_FIXED_LEN + name_len {
            return Err(bad("metadata record length mismatch"));
        }
        let name = std::str::from_utf8(&record[METADATA_FIXED_LEN..])
            .map_err(|_| bad("stored name is not UTF-8"))?
            .to_owned();
        if nanos >= 1_000_000_000 {
            return Err(bad("invalid modification time"));
        }
        let modified = if secs == i64::MIN {
            None
        } else {
            from_unix_time(secs, nanos)
        };
        if padding_len > 0 && content_len.is_none() {
            return Err(bad("padding without a content length"));
        }
        // §4.2: the payload length is the u64 sum; a sum that does not fit
        // would leave no length to check the payload against.
        if content_len.is_some_and(|n| n.checked_add(padding_len).is_none()) {
            return Err(bad("content length plus padding length overflows"));
        }
        Ok(Metadata {
            kind,
            name,
            content_len,
            padding_len,
            modified,
        })
    }

    /// The exact payload length in plaintext bytes, when known. A decoded
    /// record with a known content length always has one (§4.2: the sum fits
    /// in a u64, or the file is damaged).
    pub(crate) fn payload_len(&self) -> Option<u64> {
        self.content_len
            .and_then(|n| n.checked_add(self.padding_len))
    }
}

fn unix_time(t: SystemTime) -> (i64, u32) {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            d.subsec_nanos(),
        ),
        Err(e) => {
            // Before 1970: floor to whole seconds, nanos count forward.
            let d = e.duration();
            let secs = -i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            if d.subsec_nanos() == 0 {
                (secs, 0)
            } else {
                (secs - 1, 1_000_000_000 - d.subsec_nanos())
            }
        }
    }
}

fn from_unix_time(secs: i64, nanos: u32) -> Option<SystemTime> {
    if secs >= 0 {
        UNIX_EPOCH.checked_add(Duration::new(secs.unsigned_abs(), nanos))
    } else {
        UNIX_EPOCH
            .checked_sub(Duration::from_secs(secs.unsigned_abs()))?
            .checked_add(Duration::from_nanos(u64::from(nanos)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_round_trips() {
        let t = UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_789);
        let before_1970 = UNIX_EPOCH - Duration::new(5, 250);
        for meta in [
            Metadata::file("report.pdf", Some(42), Some(t)),
            Metadata::file("", None, None),
            Metadata::file("ünïcødé 名前.txt", Some(0), Some(before_1970)),
            Metadata {
                kind: ContentKind::Folder,
                name: "notes".into(),
                content_len: Some(10),
                padding_len: 6,
                modified: None,
            },
        ] {
            let bytes = meta.encode().unwrap();
            assert_eq!(Metadata::decode(&bytes).unwrap(), meta);
        }
    }

    #[test]
    fn bad_names_are_refused() {
        for name in ["a/b", "..", ".", "nul\0"] {
            assert!(
                Metadata::file(name, None, None).validate().is_err(),
                "{name}"
            );
        }
        let long = "x".repeat(MAX_NAME_LEN + 1);
        assert!(Metadata::file(long, None, None).validate().is_err());
    }

    #[test]
    fn a_length_sum_over_u64_is_damage() {
        // §4.2: content 1 byte + padding 2^64 - 1 does not fit in a u64.
        let overflowing = Metadata {
            kind: ContentKind::File,
            name: "x".into(),
            content_len: Some(1),
            padding_len: u64::MAX,
            modified: None,
        };
        assert!(overflowing.validate().is_err());
        let mut record = Metadata::file("x", Some(1), None).encode().unwrap();
        record[10..18].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(Metadata::decode(&record), Err(Error::Tampered(_))));
        // The largest sum that fits is fine.
        record[2..10].copy_from_slice(&(u64::MAX - 1 - 5).to_le_bytes());
        record[10..18].copy_from_slice(&5u64.to_le_bytes());
        let fits = Metadata::decode(&record).unwrap();
        assert_eq!(fits.payload_len(), Some(u64::MAX - 1));
    }
}
