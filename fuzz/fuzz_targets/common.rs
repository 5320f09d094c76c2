//! What the fuzz targets share: the passphrase of the test vectors and a
//! keyring whose KDF cap admits only the vectors' cheap parameters, so that a
//! mutated header cannot make one execution run a slow Argon2id.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use tgseal_core::{KdfCap, KdfParams, Keyring, MasterKey, Passphrase};

/// The passphrase of tests/vectors/ (docs/FORMAT.md §7).
pub const PASSPHRASE: &str = "correct horse battery staple";

/// The vectors' Argon2id parameters (tests/examples/make_vectors.rs).
pub const VECTOR_KDF: KdfParams = KdfParams {
    memory_kib: 256,
    passes: 2,
    lanes: 2,
};

/// The cap: nothing above the vectors' parameters is derived.
pub const CAP: KdfCap = KdfCap {
    max_memory_kib: 256,
    max_passes: 2,
};

/// A keyring for inputs with any salt: nothing is cached, so mutated salts
/// do not make it grow over millions of executions.
pub fn fresh_keyring() -> &'static Keyring {
    static KEYRING: OnceLock<Keyring> = OnceLock::new();
    KEYRING
        .get_or_init(|| Keyring::new(Passphrase::new(PASSPHRASE).unwrap(), CAP).with_reuse(false))
}

/// One master key derived once, and a keyring that holds it after the first
/// file: for targets that seal their input themselves and fuzz what comes
/// after the key derivation.
pub fn sealing_keys() -> &'static (MasterKey, Keyring) {
    static KEYS: OnceLock<(MasterKey, Keyring)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let passphrase = Passphrase::new(PASSPHRASE).unwrap();
        let params = KdfParams {
            memory_kib: 64,
            passes: 1,
            lanes: 1,
        };
        let master = MasterKey::derive(&passphrase, params).unwrap();
        (master, Keyring::new(passphrase, CAP))
    })
}
