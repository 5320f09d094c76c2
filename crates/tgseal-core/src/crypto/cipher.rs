//! The chunk cipher of the payload (FORMAT.md §5): ChaCha20-Poly1305 (RFC 8439)
//! under the payload key, with the STREAM nonce, through one of two backends
//! that produce the same bytes.
//!
//! - **fused** (the `fused` feature, x86_64 and little-endian aarch64): ring's
//!   assembly, which encrypts and authenticates in one pass over the chunk.
//! - **portable**: RustCrypto's `chacha20poly1305`, a ChaCha20 pass and then a
//!   Poly1305 pass. It runs everywhere else (the web build) and is the
//!   reference the fused one is tested against.
//!
//! The metadata record (§4) always uses RustCrypto: it is one small message.
//!
//! Key material: the portable backend wipes its key copy on drop (the
//! `zeroize` feature of chacha20poly1305). ring has no such feature; the
//! fused backend keeps ring's key on the heap and overwrites it with an
//! all-zero key before freeing it. What neither can wipe is listed in
//! docs/PERFORMANCE.md ("What is wiped").

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Tag};

use crate::crypto::stream::TAG_LEN;

// Keep this condition in step with the `ring` dependency in Cargo.toml.
#[cfg(all(
    feature = "fused",
    any(
        target_arch = "x86_64",
        all(target_arch = "aarch64", target_endian = "little")
    )
))]
#[path = "cipher/fused.rs"]
mod fused;
#[cfg(not(all(
    feature = "fused",
    any(
        target_arch = "x86_64",
        all(target_arch = "aarch64", target_endian = "little")
    )
)))]
#[path = "cipher/no_fused.rs"]
mod fused;

/// Which ChaCha20-Poly1305 implementation seals and opens the payload. The
/// bytes are the same with either; only the speed differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CipherBackend {
    /// ring's fused ChaCha20-Poly1305 (one pass per chunk).
    Fused,
    /// RustCrypto's chacha20poly1305 (two passes per chunk).
    Portable,
}

impl CipherBackend {
    /// What encrypting and decrypting use unless told otherwise
    /// ([`crate::EncryptOptions::cipher`]): the fused backend where this build
    /// has it.
    pub fn current() -> CipherBackend {
        // Also on CPUs with AVX-512, where RustCrypto's ChaCha20 has an AVX-512
        // backend: measured no faster there (docs/PERFORMANCE.md).
        if fused::AVAILABLE {
            CipherBackend::Fused
        } else {
            CipherBackend::Portable
        }
    }

    /// Whether this build has the backend (the portable one is always there).
    pub fn is_available(self) -> bool {
        match self {
            CipherBackend::Fused => fused::AVAILABLE,
            CipherBackend::Portable => true,
        }
    }

    /// A short name for logs and benchmark tables.
    pub fn name(self) -> &'static str {
        match self {
            CipherBackend::Fused => "ring (fused)",
            CipherBackend::Portable => "RustCrypto",
        }
    }
}

/// The chunk cipher alone, for benchmarks (`examples/backends.rs`); not a
/// stable API.
#[doc(hidden)]
pub struct BenchCipher(ChunkCipher);

impl BenchCipher {
    /// The cipher for `key` on `backend`, if this build has it.
    pub fn new(key: &[u8; 32], backend: CipherBackend) -> Option<Self> {
        ChunkCipher::with_backend(key, backend).map(BenchCipher)
    }

    /// Encrypts `buf` in place as chunk `index` and appends the tag.
    pub fn seal(&self, index: u64, last: bool, buf: &mut Vec<u8>) {
        self.0.seal(index, last, buf);
    }

    /// Verifies and decrypts `buf` (ciphertext ‖ tag) in place.
    pub fn open(&self, index: u64, last: bool, buf: &mut Vec<u8>) -> bool {
        self.0.open(index, last, buf)
    }
}

/// Seals and opens the chunks of one payload.
pub(crate) struct ChunkCipher {
    backend: Inner,
}

enum Inner {
    // Boxed so that the key stays in one place (moves would leave copies).
    Portable(Box<ChaCha20Poly1305>),
    Fused(fused::Fused),
}

impl ChunkCipher {
    /// The cipher for `payload_key` on `backend`, or on the current backend if
    /// this build lacks `backend`.
    pub(crate) fn new(payload_key: &[u8; 32], backend: CipherBackend) -> Self {
        Self::with_backend(payload_key, backend)
            .or_else(|| Self::with_backend(payload_key, CipherBackend::current()))
            .unwrap_or_else(|| Self::portable(payload_key))
    }

    /// The cipher on `backend`, if this build has it.
    pub(crate) fn with_backend(payload_key: &[u8; 32], backend: CipherBackend) -> Option<Self> {
        match backend {
            CipherBackend::Portable => Some(Self::portable(payload_key)),
            CipherBackend::Fused => fused::Fused::new(payload_key).map(|f| ChunkCipher {
                backend: Inner::Fused(f),
            }),
        }
    }

    fn portable(payload_key: &[u8; 32]) -> Self {
        ChunkCipher {
            backend: Inner::Portable(Box::new(ChaCha20Poly1305::new(payload_key.into()))),
        }
    }

    /// The backend this cipher runs on.
    #[cfg(test)]
    pub(crate) fn backend(&self) -> CipherBackend {
        match self.backend {
            Inner::Portable(_) => CipherBackend::Portable,
            Inner::Fused(_) => CipherBackend::Fused,
        }
    }

    /// Encrypts `buf` in place and appends the tag.
    pub(crate) fn seal(&self, index: u64, last: bool, buf: &mut Vec<u8>) {
        let nonce = nonce(index, last);
        match &self.backend {
            Inner::Portable(aead) => {
                // Encryption only fails for messages over 256 GiB; a chunk is at most 1 MiB.
                if let Ok(tag) =
                    aead.encrypt_inout_detached(&nonce.into(), &[], buf.as_mut_slice().into())
                {
                    buf.extend_from_slice(&tag);
                }
            }
            Inner::Fused(fused) => fused.seal(nonce, buf),
        }
    }

    /// Verifies and decrypts `buf` (ciphertext ‖ tag) in place, leaving the plaintext.
    /// On failure `buf` is left as it was, so the caller can retry with the other flag.
    pub(crate) fn open(&self, index: u64, last: bool, buf: &mut Vec<u8>) -> bool {
        if buf.len() < TAG_LEN {
            return false;
        }
        let nonce = nonce(index, last);
        match &self.backend {
            Inner::Portable(aead) => {
                let split = buf.len() - TAG_LEN;
                let Ok(tag) = Tag::try_from(&buf[split..]) else {
                    return false;
                };
                // RustCrypto checks the tag before it decrypts: a failure leaves `buf` as it was.
                let ok = aead
                    .decrypt_inout_detached(&nonce.into(), &[], buf[..split].as_mut().into(), &tag)
                    .is_ok();
                if ok {
                    buf.truncate(split);
                }
                ok
            }
            Inner::Fused(fused) => fused.open(nonce, buf),
        }
    }
}

/// §5: the nonce of chunk `index`: the index as 11 big-endian bytes ‖ the last flag.
fn nonce(index: u64, last: bool) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[3..11].copy_from_slice(&index.to_be_bytes());
    nonce[11] = u8::from(last);
    nonce
}

#[cfg(test)]
#[path = "cipher/tests.rs"]
mod tests;
