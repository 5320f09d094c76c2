//! The cryptographic layer: passphrase → Argon2id → master key (kdf, keys),
//! the authenticated header (format, FORMAT.md §2–4), the STREAM payload
//! (stream, §5) with its chunk cipher (cipher), threaded pipeline, and the
//! chunk-by-chunk hand-out for workers without shared memory (chunked),
//! padding (§9), and the whole-stream encrypt/decrypt that puts them
//! together (seal).

pub(crate) mod chunked;
pub(crate) mod cipher;
pub(crate) mod format;
pub(crate) mod kdf;
pub(crate) mod keys;
pub mod padding;
pub(crate) mod passphrase;
mod pipeline;
pub(crate) mod seal;
pub(crate) mod stream;
