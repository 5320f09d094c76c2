//! # tgseal-workflow
//!
//! What every tgseal front end (the CLI, the desktop app) does with files, in
//! one place, over the format crates `tgseal-core` and `tgseal-age`:
//!
//! - **recognise** — a path becomes an [`Input`]: a sealed file, a split set,
//!   armored text or the pieces of a text message, an age file or age parts,
//!   or plain content to seal. Decided by the bytes, not the name.
//! - **seal** — one function, [`seal`]: a [`Source`], a [`Destination`] and a
//!   [`Format`] (tgseal's own with its [`ShapeOptions`], or age).
//! - **open** — [`Input::open`] (or [`Input::open_to_writer`], or
//!   [`open_stream`] for standard input) with what unlocks it ([`Unlock`]).
//! - **around them** — the batch runner and the batch's keys ([`batch`]),
//!   atomic output files ([`files`]) and their temporaries ([`temps`]),
//!   safe folder extraction ([`folder`]), part sets on disk ([`parts`]),
//!   the checks that can fail a job before any key is derived
//!   ([`preflight`]), the hand-off of sealed files to Telegram Desktop
//!   ([`telegram`]), and one [`Error`] whose [`Class`] and
//!   [`Remedy`] each front end words in its own terms.
//!
//! The front ends make no format decision of their own: they turn what the
//! user said into these calls and present what comes back
//! (docs/ARCHITECTURE.md).
//!
//! ```
//! use tgseal_age::Identities;
//! use tgseal_core::{Control, DecryptOptions, EncryptOptions, KdfCap, KdfParams, Keyring, Passphrase};
//! use tgseal_workflow::{
//!     BatchKeys, Claims, DecryptTarget, Destination, Format, Input, ShapeOptions, Source, Unlock,
//!     seal,
//! };
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let report = dir.path().join("report.pdf");
//! std::fs::write(&report, b"quarterly numbers")?;
//!
//! // Seal it with a hidden name, padded. Tiny KDF parameters keep the example
//! // fast; real files use KdfPreset::Default.
//! let params = KdfParams { memory_kib: 64, passes: 1, lanes: 1 };
//! let keys = BatchKeys::new(Passphrase::new("correct horse battery staple")?, params, false)?;
//! let shape = ShapeOptions { hide_name: true, pad: true, ..ShapeOptions::default() };
//! let format = Format::Sealed { keys: &keys, shape, options: EncryptOptions::default() };
//! let destination = Destination::Named { dir: dir.path(), name: "report.pdf.tgseal".into() };
//! let sealed = seal(Source::Path(&report), destination, false, &format, &Control::new())?;
//! let sealed_path = sealed.output().expect("one file written");
//! assert_ne!(sealed_path.file_name(), Some("report.pdf.tgseal".as_ref()));
//!
//! // Recognise what arrived and open it into another folder.
//! let input = Input::recognise(sealed_path)?;
//! assert!(matches!(input, Input::Sealed(_)));
//! let keyring = Keyring::new(Passphrase::new("correct horse battery staple")?, KdfCap::DEFAULT);
//! let unlock = Unlock { keyring: Some(&keyring), identities: &Identities::new() };
//! let out = dir.path().join("received");
//! std::fs::create_dir(&out)?;
//! let opened = input.open(
//!     &DecryptTarget::Folder(out.clone()),
//!     false,
//!     &Claims::default(),
//!     &unlock,
//!     &DecryptOptions::default(),
//!     &Control::new(),
//! )?;
//! assert_eq!(opened.output(), Some(out.join("report.pdf").as_path()));
//! assert_eq!(std::fs::read(out.join("report.pdf"))?, b"quarterly numbers");
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]
#![warn(missing_docs)]

pub mod age;
pub mod batch;
pub mod claims;
mod error;
pub mod files;
pub mod folder;
mod input;
pub mod parts;
mod pipe;
pub mod preflight;
mod seal;
pub mod sealed;
pub mod telegram;
pub mod temps;

pub use batch::{BatchKeys, Outcome};
pub use claims::Claims;
pub use error::{Class, Error, Fault, Remedy, Result};
pub use files::DecryptTarget;
pub use input::{
    Input, StreamTarget, Unlock, age_work_factor, dedupe_parts, input_key, open_stream,
};
pub use seal::{Destination, Format, ShapeOptions, Source, seal};
