//! Sealing and opening in memory with the core API: the helpers shared by
//! tgseal-core's integration tests, its `chunk_sizes` example and (through
//! `#[path]`) the tgseal-e2e crate, so that they live in one place.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use tgseal_core::{
    Control, Decryptor, EncryptOptions, Error, KdfCap, KdfParams, Keyring, MasterKey, Metadata,
    Passphrase,
};

/// Cheap Argon2id parameters (64 KiB, one pass, one lane): tests exercise the
/// format, not the KDF's cost.
pub const TINY_KDF: KdfParams = KdfParams {
    memory_kib: 64,
    passes: 1,
    lanes: 1,
};

/// The master key `passphrase` derives with `params` (a fresh salt each call).
pub fn master(passphrase: &str, params: KdfParams) -> MasterKey {
    MasterKey::derive(&Passphrase::new(passphrase).unwrap(), params).unwrap()
}

/// `plain` sealed as `metadata` with `options`, appended to `out`.
pub fn seal_into(
    master: &MasterKey,
    metadata: &Metadata,
    plain: &[u8],
    out: &mut Vec<u8>,
    options: &EncryptOptions,
) {
    tgseal_core::encrypt(
        master,
        metadata,
        &mut &plain[..],
        out,
        options,
        &Control::new(),
    )
    .unwrap();
}

/// `plain` sealed as `metadata` with `options`: the whole sealed file.
pub fn seal(
    master: &MasterKey,
    metadata: &Metadata,
    plain: &[u8],
    options: &EncryptOptions,
) -> Vec<u8> {
    let mut out = Vec::new();
    seal_into(master, metadata, plain, &mut out, options);
    out
}

/// Decrypts `sealed` with `passphrase` under the default KDF cap, returning the
/// error (if any) and every byte the decryptor released.
pub fn open(sealed: &[u8], passphrase: &str) -> (Option<Error>, Vec<u8>) {
    let keyring = Keyring::new(Passphrase::new(passphrase).unwrap(), KdfCap::DEFAULT);
    let mut released = Vec::new();
    let err = Decryptor::new(sealed, &keyring)
        .and_then(|d| d.decrypt_to(&mut released, &Control::new()))
        .err();
    (err, released)
}
