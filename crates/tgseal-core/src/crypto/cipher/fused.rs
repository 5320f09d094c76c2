//! The fused backend: ring's ChaCha20-Poly1305, whose x86_64 and aarch64
//! assembly encrypts and authenticates in the same pass over a chunk.

use std::sync::{Mutex, PoisonError};

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};

/// This build has the fused backend.
pub(super) const AVAILABLE: bool = true;

pub(super) struct Fused {
    // On the heap, so that the key has one home that `drop` can overwrite.
    key: Box<LessSafeKey>,
    /// Buffers to open chunks in (see `open`); at most one per thread that
    /// opens chunks at the same time, freed with the cipher.
    spares: Mutex<Vec<Vec<u8>>>,
}

impl Fused {
    pub(super) fn new(key: &[u8; 32]) -> Option<Self> {
        let key = UnboundKey::new(&CHACHA20_POLY1305, key).ok()?;
        Some(Fused {
            key: Box::new(LessSafeKey::new(key)),
            spares: Mutex::new(Vec::new()),
        })
    }

    pub(super) fn seal(&self, nonce: [u8; 12], buf: &mut Vec<u8>) {
        let nonce = Nonce::assume_unique_for_key(nonce);
        // Encryption only fails for messages over 256 GiB; a chunk is at most 1 MiB.
        if let Ok(tag) = self
            .key
            .seal_in_place_separate_tag(nonce, Aad::empty(), buf)
        {
            buf.extend_from_slice(tag.as_ref());
        }
    }

    /// Opens `buf` (ciphertext ‖ tag). ring decrypts while it authenticates and
    /// wipes the output when the tag is wrong, but the STREAM reader retries a
    /// failed chunk with the other last flag to tell truncation from tampering
    /// (`stream::diagnose`), so `buf` must survive a failure. The chunk is
    /// therefore opened in a spare buffer, which trades places with `buf` on
    /// success.
    pub(super) fn open(&self, nonce: [u8; 12], buf: &mut Vec<u8>) -> bool {
        let mut work = self.spare(buf.capacity());
        work.extend_from_slice(buf);
        let nonce = Nonce::assume_unique_for_key(nonce);
        let opened = self
            .key
            .open_in_place(nonce, Aad::empty(), &mut work)
            .map(|plaintext| plaintext.len());
        if let Ok(len) = opened {
            work.truncate(len);
            std::mem::swap(buf, &mut work);
        }
        // `work` now holds the sealed chunk, or what ring wiped: no plaintext.
        self.spares
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(work);
        opened.is_ok()
    }

    /// An empty buffer that holds `capacity` bytes.
    fn spare(&self, capacity: usize) -> Vec<u8> {
        let spare = self
            .spares
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut spare = spare.unwrap_or_default();
        spare.clear();
        spare.reserve(capacity);
        spare
    }
}

impl Drop for Fused {
    fn drop(&mut self) {
        // ring cannot wipe a key. Overwrite ours in place with a key made of
        // zero bytes; `black_box` keeps the compiler from dropping the write
        // as dead (the box is freed right after).
        if let Ok(zero) = UnboundKey::new(&CHACHA20_POLY1305, &[0u8; 32]) {
            *self.key = LessSafeKey::new(zero);
            std::hint::black_box(&*self.key);
        }
    }
}
