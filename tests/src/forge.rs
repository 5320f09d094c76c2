//! A second writer of sealed files, byte by byte from docs/FORMAT.md (§2–5),
//! sharing no code with tgseal-core: it writes what the real writer never
//! would (metadata records the writer refuses, an empty final chunk after a
//! full one, chunks sealed with the wrong flag), so the test vectors can prove
//! that a reader refuses them. Salt and seed are fixed: vectors are committed
//! once and never rewritten.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// §4.2: a metadata record, field by field, with nothing checked.
#[derive(Clone, Debug)]
pub struct Record {
    /// 0 file, 1 folder, 2 text.
    pub kind: u8,
    /// 0 in v1.
    pub flags: u8,
    /// `u64::MAX` = unknown.
    pub content_len: u64,
    /// Zero bytes after the content.
    pub padding_len: u64,
    /// Seconds since 1970; `i64::MIN` = unknown.
    pub secs: i64,
    /// Nanoseconds.
    pub nanos: u32,
    /// The stored name's bytes (need not be UTF-8 or a base name).
    pub name: Vec<u8>,
}

impl Record {
    /// A file of `content_len` bytes named `name`, no padding, time unknown.
    pub fn file(name: &str, content_len: u64) -> Record {
        Record {
            kind: 0,
            flags: 0,
            content_len,
            padding_len: 0,
            secs: i64::MIN,
            nanos: 0,
            name: name.as_bytes().to_vec(),
        }
    }

    /// §4.2: the record's bytes (the name length is written as given, truncated to u16).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![self.kind, self.flags];
        out.extend_from_slice(&self.content_len.to_le_bytes());
        out.extend_from_slice(&self.padding_len.to_le_bytes());
        out.extend_from_slice(&self.secs.to_le_bytes());
        out.extend_from_slice(&self.nanos.to_le_bytes());
        out.extend_from_slice(&(self.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&self.name);
        out
    }
}

/// One payload chunk to seal: its plaintext and the last-chunk flag of its nonce.
pub struct Chunk<'a> {
    /// Plaintext bytes.
    pub plain: &'a [u8],
    /// Sealed as the final chunk (nonce flag 0x01).
    pub last: bool,
}

/// `payload` cut as §5 says a writer must: full chunks of `2^chunk_log2`
/// bytes, the last one flagged final (one empty chunk for an empty payload).
pub fn chunks(payload: &[u8], chunk_log2: u8) -> Vec<Chunk<'_>> {
    let size = 1usize << chunk_log2;
    if payload.is_empty() {
        return vec![Chunk {
            plain: payload,
            last: true,
        }];
    }
    let count = payload.len().div_ceil(size);
    payload
        .chunks(size)
        .enumerate()
        .map(|(i, plain)| Chunk {
            plain,
            last: i + 1 == count,
        })
        .collect()
}

/// A sealed file: the parameters of §2.2 and what to seal.
pub struct Forge<'a> {
    /// The passphrase (used as given: pass it in NFC).
    pub passphrase: &'a str,
    /// Argon2id memory (KiB), passes, lanes.
    pub kdf: (u32, u32, u32),
    /// log2 of the chunk size.
    pub chunk_log2: u8,
    /// The metadata record's bytes.
    pub record: Vec<u8>,
}

impl Forge<'_> {
    /// The sealed file: header (§2.2, fixed salt and seed) ‖ `chunks` sealed in order.
    pub fn seal(&self, chunks: &[Chunk<'_>]) -> Vec<u8> {
        let salt = [0x5a; 16];
        let seed = [0xa5; 32];
        let (m, t, p) = self.kdf;
        let mut master = [0u8; 32];
        Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(m, t, p, Some(32)).expect("valid Argon2 parameters"),
        )
        .hash_password_into(self.passphrase.as_bytes(), &salt, &mut master)
        .expect("Argon2id");
        let mut check = [0u8; 16];
        Hkdf::<Sha256>::new(Some(&salt), &master)
            .expand(b"tgseal v1 passphrase check", &mut check)
            .expect("16 bytes");
        let keys = Hkdf::<Sha256>::new(Some(&seed), &master);
        let key = |info: &[u8]| {
            let mut out = [0u8; 32];
            keys.expand(info, &mut out).expect("32 bytes");
            out
        };
        let (mac_key, metadata_key, payload_key) = (
            key(b"tgseal v1 header mac"),
            key(b"tgseal v1 metadata key"),
            key(b"tgseal v1 payload key"),
        );
        let mut sealed_metadata = self.record.clone();
        let tag = ChaCha20Poly1305::new(&metadata_key.into())
            .encrypt_inout_detached(
                &Nonce::default(),
                &[],
                sealed_metadata.as_mut_slice().into(),
            )
            .expect("metadata sealed");
        sealed_metadata.extend_from_slice(&tag);

        let mut out = b"tgseal".to_vec();
        out.extend_from_slice(&[1, 1]);
        for field in [m, t, p] {
            out.extend_from_slice(&field.to_le_bytes());
        }
        out.extend_from_slice(&salt);
        out.extend_from_slice(&check);
        out.extend_from_slice(&seed);
        out.push(self.chunk_log2);
        out.extend_from_slice(&(sealed_metadata.len() as u16).to_le_bytes());
        out.extend_from_slice(&sealed_metadata);
        let mut mac = Hmac::<Sha256>::new_from_slice(&mac_key).expect("HMAC key");
        mac.update(&out);
        out.extend_from_slice(&mac.finalize().into_bytes());

        let aead = ChaCha20Poly1305::new(&payload_key.into());
        for (index, chunk) in (0u64..).zip(chunks) {
            let mut nonce = Nonce::default();
            nonce[3..11].copy_from_slice(&index.to_be_bytes());
            nonce[11] = u8::from(chunk.last);
            let mut buf = chunk.plain.to_vec();
            let tag = aead
                .encrypt_inout_detached(&nonce, &[], buf.as_mut_slice().into())
                .expect("chunk sealed");
            out.extend_from_slice(&buf);
            out.extend_from_slice(&tag);
        }
        out
    }
}
