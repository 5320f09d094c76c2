//! # tgseal-core
//!
//! Streaming, passphrase-based file encryption in the tgseal format
//! (docs/FORMAT.md): Argon2id derives a master key from the passphrase, HKDF
//! gives every file its own keys from a random seed, an HMAC authenticates the
//! header, and the content is sealed as a STREAM of ChaCha20-Poly1305 chunks
//! that detects truncation, reordering, duplication and appended data.
//!
//! Memory stays bounded whatever the input size: data flows chunk by chunk from
//! a [`std::io::Read`] to a [`std::io::Write`].
//!
//! The crate is the format and nothing else: no file system, no process-wide
//! state, so it builds for `wasm32-unknown-unknown` (with
//! default features off) for the web app. Files, folders, part sets, batches
//! and age live one layer up, in `tgseal-workflow` (docs/ARCHITECTURE.md).
//!
//! ## Features
//! - `threads` (default): the payload is sealed and opened on several threads
//!   ([`EncryptOptions::threads`]) and Argon2id uses its lanes in parallel.
//!   Without it every thread count runs on the calling thread; the bytes are
//!   the same.
//! - `fused` (default): the payload's chunks go through ring's fused
//!   ChaCha20-Poly1305 assembly on x86_64 and little-endian aarch64 (one pass
//!   over each chunk instead of two). Elsewhere, and without it, RustCrypto's
//!   `chacha20poly1305` runs; the bytes are the same. [`CipherBackend::current`]
//!   says which one runs.
//!
//! ```
//! use tgseal_core::{Control, EncryptOptions, KdfCap, KdfParams, Keyring, MasterKey, Metadata, Passphrase};
//!
//! # fn main() -> Result<(), tgseal_core::Error> {
//! // Tiny KDF parameters keep the example fast; real files use KdfPreset::Default.
//! let params = KdfParams { memory_kib: 64, passes: 1, lanes: 1 };
//! let master = MasterKey::derive(&Passphrase::new("correct horse battery staple")?, params)?;
//!
//! let plaintext = b"meet at noon";
//! let metadata = Metadata::file("note.txt", Some(plaintext.len() as u64), None);
//! let mut sealed = Vec::new();
//! tgseal_core::encrypt(&master, &metadata, &mut &plaintext[..], &mut sealed,
//!                      &EncryptOptions::default(), &Control::new())?;
//!
//! let keyring = Keyring::new(Passphrase::new("correct horse battery staple")?, KdfCap::DEFAULT);
//! let decryptor = tgseal_core::Decryptor::new(&sealed[..], &keyring)?;
//! assert_eq!(decryptor.metadata().name, "note.txt");
//! let mut opened = Vec::new();
//! decryptor.decrypt_to(&mut opened, &Control::new())?;
//! assert_eq!(opened, plaintext);
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
// Tests may unwrap: a panic is how a test fails.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]
#![warn(missing_docs)]

// Three layers; each module names the FORMAT.md section it implements.
// 1. crypto: key derivation, keys, the header, the STREAM payload, padding.
mod crypto;
// 2. containers: the shapes a sealed stream travels in (armor, part framing)
//    and the rules for folder archives, all over `Read`/`Write`.
mod containers;
// 3. small shared pieces every front end uses.
mod control;
pub mod count;
mod error;
pub mod generate;
pub mod names;
pub mod recognise;
pub mod shape;
pub mod strength;
pub mod untrusted;

pub use containers::{archive, armor, split};
pub use control::{Control, Progress};
pub use crypto::chunked::{
    ChunkOpener, ChunkParams, ChunkSpan, MAX_IN_FLIGHT_BYTES, PayloadChunks, SealedChunk,
};
#[doc(hidden)]
pub use crypto::cipher::BenchCipher;
pub use crypto::cipher::CipherBackend;
pub use crypto::format::{
    ContentKind, HeaderInfo, MAGIC, MAX_NAME_LEN, Metadata, VERSION, read_up_to,
};
pub use crypto::kdf::{KdfCap, KdfParams, KdfPreset, MAX_LANES};
pub use crypto::keys::{Keyring, MasterKey, fill_random};
pub use crypto::padding;
pub use crypto::passphrase::Passphrase;
pub use crypto::seal::{
    DecryptOptions, Decryptor, EncryptOptions, Summary, default_threads, encrypt, inspect,
};
pub use crypto::stream::{ChunkSize, TAG_LEN, sealed_payload_len};
pub use error::{Error, PartProblem, Result, lift};
pub use shape::ShapeOptions;
