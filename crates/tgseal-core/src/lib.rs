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

pub mod archive;
pub mod armor;
pub mod batch;
mod control;
mod error;
pub mod files;
mod format;
pub mod generate;
mod kdf;
mod keys;
pub mod names;
pub mod open;
pub mod padding;
mod passphrase;
mod pipe;
mod pipeline;
mod seal;
pub mod shape;
pub mod split;
mod stream;
pub mod strength;

pub use control::{Control, Progress};
pub use error::{Error, PartProblem, Result};
pub use format::{ContentKind, HeaderInfo, MAGIC, MAX_NAME_LEN, Metadata, VERSION};
pub use kdf::{KdfCap, KdfParams, KdfPreset, MAX_LANES};
pub use keys::{Keyring, MasterKey};
pub use passphrase::Passphrase;
pub use seal::{
    DecryptOptions, Decryptor, EncryptOptions, Summary, default_threads, encrypt, inspect,
};
pub use stream::{ChunkSize, TAG_LEN, sealed_payload_len};
