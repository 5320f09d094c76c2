//! # tgseal-age
//!
//! tgseal speaks [age](https://age-encryption.org/v1): it encrypts files to
//! age recipients (X25519 `age1…` keys, SSH keys) or with a passphrase
//! (age's scrypt stanza), and it decrypts age files, binary or ASCII-armored,
//! so that files can go to and come from people who use `age` or `rage`.
//!
//! The cryptography is the `age` crate's; this crate adds what tgseal
//! promises for its own format too: atomic output (no unauthenticated
//! plaintext at the target path), a cap on the key-derivation work an
//! untrusted file may demand, progress and cancellation through
//! [`tgseal_core::Control`], and errors whose classes match the core's.
//! It works on streams; age files on disk (atomic output, split parts,
//! recognition) are `tgseal-workflow`'s, which every front end calls:
//!
//! ```
//! use tgseal_age::{Armor, DecryptWith, EncryptTo, Identities};
//! use tgseal_core::Control;
//!
//! # fn main() -> Result<(), tgseal_age::Error> {
//! let key = tgseal_age::generate_identity();
//! let to = EncryptTo::Recipients(vec![tgseal_age::parse_recipient(&key.public_key)?]);
//! let mut sealed = Vec::new();
//! tgseal_age::encrypt(&mut &b"meet at noon"[..], &mut sealed, &to, Armor::Binary, &Control::new(), None)?;
//! assert!(tgseal_age::sniff(&sealed).is_some());
//!
//! let identities = Identities::from_text(key.file_text.as_bytes())?;
//! let mut opened = Vec::new();
//! tgseal_age::decrypt(&sealed[..], &mut opened, DecryptWith::Identities(&identities), &Control::new(), None)?;
//! assert_eq!(opened, b"meet at noon");
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod decrypt;
mod detect;
mod encrypt;
mod error;
mod keys;

pub use decrypt::{DEFAULT_MAX_WORK_FACTOR, DecryptWith, decrypt};
pub use detect::{
    ARMOR_BEGIN, BINARY_PREFIX, Encoding, HeaderSummary, StanzaInfo, inspect, is_age, is_age_file,
    sniff,
};
pub use encrypt::{Armor, DEFAULT_WORK_FACTOR, EncryptTo, age_name, encrypt, random_age_name};
pub use error::{Error, Result};
pub use keys::{
    GeneratedIdentity, Identities, Recipient, generate_identity, parse_recipient,
    read_recipients_file,
};
