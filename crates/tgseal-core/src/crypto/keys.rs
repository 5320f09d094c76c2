//! Key schedule (FORMAT.md §3): passphrase → Argon2id master key → per-file keys.

use std::sync::Mutex;

use hkdf::Hkdf;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::crypto::format::Header;
use crate::crypto::kdf::{KdfCap, KdfParams};
use crate::crypto::passphrase::Passphrase;
use crate::{Error, Result};

const INFO_CHECK: &[u8] = b"tgseal v1 passphrase check";
const INFO_HEADER_MAC: &[u8] = b"tgseal v1 header mac";
const INFO_METADATA: &[u8] = b"tgseal v1 metadata key";
const INFO_PAYLOAD: &[u8] = b"tgseal v1 payload key";

/// The result of one Argon2id run: the master key, with the salt and parameters
/// it was derived under and its passphrase check value (FORMAT.md §3.2–3.4).
///
/// Deriving is the slow step, so a batch derives one `MasterKey` and seals every
/// file with it; each file still gets its own random seed and so its own keys.
pub struct MasterKey {
    params: KdfParams,
    salt: [u8; 16],
    master: Zeroizing<[u8; 32]>,
    check: [u8; 16],
}

impl MasterKey {
    /// Derives a master key under a fresh random salt, for encrypting.
    pub fn derive(passphrase: &Passphrase, params: KdfParams) -> Result<Self> {
        let mut salt = [0u8; 16];
        fill_random(&mut salt)?;
        Self::derive_with_salt(passphrase, params, salt)
    }

    /// Derives the master key for a given salt (decryption, or test vectors).
    pub fn derive_with_salt(
        passphrase: &Passphrase,
        params: KdfParams,
        salt: [u8; 16],
    ) -> Result<Self> {
        let master = params.derive(passphrase, &salt)?;
        let mut check = [0u8; 16];
        expand(&salt, master.as_ref(), INFO_CHECK, &mut check);
        Ok(MasterKey {
            params,
            salt,
            master,
            check,
        })
    }

    /// The Argon2id parameters this key was derived with.
    pub fn params(&self) -> KdfParams {
        self.params
    }

    pub(crate) fn salt(&self) -> &[u8; 16] {
        &self.salt
    }

    pub(crate) fn check(&self) -> &[u8; 16] {
        &self.check
    }

    /// The keys of one file, from its random seed (FORMAT.md §3.3).
    pub(crate) fn file_keys(&self, file_seed: &[u8; 32]) -> FileKeys {
        let mut keys = FileKeys {
            header_mac: Zeroizing::new([0u8; 32]),
            metadata: Zeroizing::new([0u8; 32]),
            payload: Zeroizing::new([0u8; 32]),
        };
        let hk = Hkdf::<Sha256>::new(Some(file_seed), self.master.as_ref());
        // Expanding 32 bytes from SHA-256 HKDF cannot fail (limit is 255 * 32).
        for (info, out) in [
            (INFO_HEADER_MAC, keys.header_mac.as_mut()),
            (INFO_METADATA, keys.metadata.as_mut()),
            (INFO_PAYLOAD, keys.payload.as_mut()),
        ] {
            let _ = hk.expand(info, out);
        }
        keys
    }

    fn matches(&self, header: &Header) -> bool {
        self.params == header.kdf && self.salt == header.salt
    }
}

/// The three keys of one sealed file.
pub(crate) struct FileKeys {
    pub(crate) header_mac: Zeroizing<[u8; 32]>,
    pub(crate) metadata: Zeroizing<[u8; 32]>,
    pub(crate) payload: Zeroizing<[u8; 32]>,
}

fn expand(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) {
    let hk = Hkdf::<Sha256>::new(Some(salt), ikm);
    // Outputs here are at most 32 bytes, far below HKDF's 8160-byte limit.
    let _ = hk.expand(info, out);
}

/// Fills `buf` from the operating system's CSPRNG (the browser's
/// `crypto.getRandomValues` on the web).
pub fn fill_random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| Error::Io(std::io::Error::other(e.to_string())))
}

/// The passphrase side of decryption: holds the passphrase and every master key
/// derived so far, so a batch of files sealed together pays Argon2id once.
pub struct Keyring {
    passphrase: Passphrase,
    cap: KdfCap,
    reuse: bool,
    derived: Mutex<Vec<std::sync::Arc<MasterKey>>>,
    /// Held while Argon2id runs: threads decrypting files of one batch wait for
    /// the first derivation instead of repeating it, and at most one derivation
    /// (with its memory) runs at a time.
    deriving: Mutex<()>,
    derivations: std::sync::atomic::AtomicUsize,
}

impl Keyring {
    /// A keyring for one passphrase. `cap` bounds the KDF work any file may ask for.
    pub fn new(passphrase: Passphrase, cap: KdfCap) -> Self {
        Keyring {
            passphrase,
            cap,
            reuse: true,
            derived: Mutex::new(Vec::new()),
            deriving: Mutex::new(()),
            derivations: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Whether master keys are reused between files with the same salt and
    /// parameters (default true). Turning it off makes every file pay Argon2id.
    pub fn with_reuse(mut self, reuse: bool) -> Self {
        self.reuse = reuse;
        self
    }

    /// The passphrase this keyring opens with (age files opened in the same
    /// call use it too).
    pub fn passphrase(&self) -> &Passphrase {
        &self.passphrase
    }

    /// The cap on the key-derivation work a file may ask for.
    pub fn cap(&self) -> KdfCap {
        self.cap
    }

    /// The master key for a header: from the cache, or derived now. Checks the
    /// cap first and the passphrase check value after (FORMAT.md §3.4).
    pub(crate) fn master_for(&self, header: &Header) -> Result<std::sync::Arc<MasterKey>> {
        self.cap.check(&header.kdf)?;
        header
            .kdf
            .validate()
            .map_err(|_| Error::Tampered("invalid KDF parameters in the header"))?;
        if let Some(key) = self.cached(header)? {
            return verify(key, header);
        }
        let _deriving = self.deriving.lock().map_err(|_| poisoned())?;
        // Another thread may have derived this key while we waited.
        if let Some(key) = self.cached(header)? {
            return verify(key, header);
        }
        self.derivations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let key = std::sync::Arc::new(MasterKey::derive_with_salt(
            &self.passphrase,
            header.kdf,
            header.salt,
        )?);
        // Cached even when the check fails: the next file of the same batch is
        // then refused at once instead of paying Argon2id again.
        if self.reuse {
            self.derived
                .lock()
                .map_err(|_| poisoned())?
                .push(key.clone());
        }
        verify(key, header)
    }

    /// How many times Argon2id ran so far (a batch sealed together needs one).
    pub fn derivations(&self) -> usize {
        self.derivations.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn cached(&self, header: &Header) -> Result<Option<std::sync::Arc<MasterKey>>> {
        if !self.reuse {
            return Ok(None);
        }
        let derived = self.derived.lock().map_err(|_| poisoned())?;
        Ok(derived.iter().find(|k| k.matches(header)).cloned())
    }
}

fn verify(key: std::sync::Arc<MasterKey>, header: &Header) -> Result<std::sync::Arc<MasterKey>> {
    if bool::from(key.check.ct_eq(&header.check)) {
        Ok(key)
    } else {
        Err(Error::WrongPassphrase)
    }
}

fn poisoned() -> Error {
    Error::Io(std::io::Error::other(
        "internal error: key cache lock poisoned",
    ))
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("cap", &self.cap)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod wipe_tests {
    #[test]
    fn hkdf_and_hmac_states_are_wiped_on_drop() {
        // HKDF and the header HMAC keep their keyed state in SHA-256 cores;
        // the `zeroize` features of sha2 and hmac make those cores wipe
        // themselves when dropped (#13 item 19). A compile-time check.
        fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wiped_on_drop::<sha2::Sha256>();
    }
}
