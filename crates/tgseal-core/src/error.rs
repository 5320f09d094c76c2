//! The one error type of the core. Its `Display` text is written for the person
//! reading it in a terminal or a dialog. Text an error carries may come from
//! a hostile file (an archive entry's name, a part's file name): `Display`
//! shows it through [`escape`], so no message carries a terminal escape or a
//! bidirectional control.

use std::io;

use crate::untrusted::{escape, escape_path};

/// Everything that can go wrong while encrypting or decrypting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The passphrase does not open this sealed file (FORMAT.md §3.4).
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// Authentication failed: the header or a chunk was changed, reordered,
    /// duplicated, or data was appended.
    #[error("the sealed file is damaged or was tampered with ({0})")]
    Tampered(&'static str),
    /// The sealed file ends early: its final chunk is missing.
    #[error("the sealed file is truncated (it ends before its final chunk)")]
    Truncated,
    /// The input does not start with the tgseal magic bytes.
    #[error("not a tgseal sealed file")]
    NotSealed,
    /// A tgseal file of a format version (or algorithm) this build does not know.
    #[error("unsupported tgseal format: {}", escape(.0))]
    UnsupportedVersion(String),
    /// The header asks for KDF work above the decryption cap (FORMAT.md §2.3).
    #[error(
        "the file asks for an unusually expensive key derivation ({requested}), above the limit of {cap}"
    )]
    KdfOverCap {
        /// What the header requests, in words.
        requested: String,
        /// The cap in force, in words.
        cap: String,
    },
    /// KDF parameters that Argon2id itself rejects, or that we refuse to write.
    #[error("invalid key derivation parameters: {0}")]
    InvalidKdfParams(String),
    /// An empty passphrase was given.
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    /// The passphrase is not valid UTF-8 text.
    #[error("the passphrase is not valid UTF-8 text")]
    PassphraseNotUtf8,
    /// The file name to store is not acceptable (too long, contains `/` or NUL).
    #[error("invalid file name to store: {}", escape(.0))]
    InvalidName(String),
    /// The input did not have the size announced when sealing started.
    #[error(
        "the input changed while it was being encrypted (expected {expected} bytes, read {actual})"
    )]
    InputChanged {
        /// Size announced (from the file's metadata).
        expected: u64,
        /// Bytes actually read.
        actual: u64,
    },
    /// The input file was written to while it was being encrypted: its size
    /// or modification time at the end differs from the start.
    #[error(
        "the input was modified while it was being encrypted (its size or modification time changed); nothing was written: encrypt it again once nothing writes to it"
    )]
    InputModified,
    /// The output file exists and overwriting was not allowed.
    #[error("{} already exists", escape_path(.0))]
    OutputExists(std::path::PathBuf),
    /// The output would replace a file being read: a stored name (the
    /// sender's choice) that names the sealed file itself, or another input.
    #[error(
        "{} is a file this call reads; it is not overwritten, whatever the sealed file names its content",
        escape_path(.0)
    )]
    OutputIsInput(std::path::PathBuf),
    /// A folder archive holds an entry that would be written outside the
    /// destination folder (absolute path, `..`, or a link that escapes it).
    #[error("refused to extract the folder: {}", escape(.0))]
    UnsafeArchive(String),
    /// The folder archive inside a sealed file (which did authenticate) is not
    /// a readable tar stream: whoever sealed it wrote a broken archive.
    #[error("the folder archive inside the sealed file is malformed: {}", escape(.0))]
    BadArchive(String),
    /// A part of a split sealed file (FORMAT.md §10) is missing, duplicated,
    /// misnamed, truncated or from another set. `name` is the part's file name.
    #[error("{}: {problem}", escape(name))]
    BrokenPart {
        /// The file name of the part concerned (or expected).
        name: String,
        /// What is wrong with it.
        problem: PartProblem,
    },
    /// Pasted armored text (FORMAT.md §11.2) is incomplete or mixes messages.
    #[error("cannot open the pasted text: {}", escape(.0))]
    TextPieces(String),
    /// Padding was asked for content whose size is not known in advance.
    #[error("cannot pad: {0}")]
    CannotPad(&'static str),
    /// The caller cancelled the job.
    #[error("cancelled")]
    Cancelled,
    /// Reading or writing failed.
    #[error("{}", escape(&io_message(.0)))]
    Io(#[from] io::Error),
}

/// An I/O error in words: the system's text, led by what it means for the
/// user where the system's text is terse ("No space left on device").
fn io_message(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::StorageFull => {
            format!("the disk is full; free some space and try again: {err}")
        }
        _ => err.to_string(),
    }
}

impl Error {
    /// A short stable identifier of the error class, for machine-readable output.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::WrongPassphrase => "wrong_passphrase",
            Error::Tampered(_) => "tampered",
            Error::Truncated => "truncated",
            Error::NotSealed => "not_sealed",
            Error::UnsupportedVersion(_) => "unsupported_version",
            Error::KdfOverCap { .. } => "kdf_over_cap",
            Error::InvalidKdfParams(_) => "invalid_kdf_params",
            Error::EmptyPassphrase | Error::PassphraseNotUtf8 => "bad_passphrase",
            Error::InvalidName(_) => "invalid_name",
            Error::InputChanged { .. } | Error::InputModified => "input_changed",
            Error::OutputExists(_) => "output_exists",
            Error::OutputIsInput(_) => "output_is_input",
            Error::UnsafeArchive(_) => "unsafe_archive",
            Error::BadArchive(_) => "bad_archive",
            Error::BrokenPart { problem, .. } => problem.kind(),
            Error::TextPieces(_) => "incomplete_text",
            Error::CannotPad(_) => "cannot_pad",
            Error::Cancelled => "cancelled",
            Error::Io(_) => "io",
        }
    }

    /// True for the failures that mean "this data did not authenticate":
    /// wrong passphrase, tampering, truncation. Front ends map these to exit code 3.
    pub fn is_authentication_failure(&self) -> bool {
        matches!(
            self,
            Error::WrongPassphrase | Error::Tampered(_) | Error::Truncated
        )
    }
}

/// "part 2 of 3 is missing", or "parts 2, 4 and 5 of 5 are missing": every
/// missing part named at once, so that the user fetches them all in one go;
/// past the listed ones, "… and 4294967284 more of 4294967295".
fn missing_text(number: u32, more: &[u32], unlisted: u32, count: u32) -> String {
    let mut listed: Vec<String> = std::iter::once(number)
        .chain(more.iter().copied())
        .map(|n| n.to_string())
        .collect();
    let last = match (unlisted, listed.len()) {
        (0, 1) => return format!("part {number} of {count} is missing"),
        (0, _) => listed.pop().unwrap_or_default(),
        (more, _) => format!("{more} more"),
    };
    format!(
        "parts {} and {last} of {count} are missing",
        listed.join(", ")
    )
}

/// What is wrong with one part of a split sealed file (FORMAT.md §10).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PartProblem {
    /// The part with this number was not found beside the others (nor
    /// were the parts in `more`).
    #[error("{}", missing_text(*.number, .more, *.unlisted, *.count))]
    Missing {
        /// The first missing part's number (1-based).
        number: u32,
        /// How many parts the set has.
        count: u32,
        /// The numbers of the next missing parts, ascending (empty when
        /// only one is missing); at most
        /// [`crate::split::MAX_MISSING_LISTED`] numbers with `number`.
        more: Vec<u32>,
        /// How many more parts are missing beyond those listed (the count
        /// comes from a part's header, so it can be in the billions).
        unlisted: u32,
    },
    /// Two files hold the same part.
    #[error(
        "holds part {number}, which {} holds too (a duplicated part)",
        escape(other)
    )]
    Duplicate {
        /// The part number both hold.
        number: u32,
        /// The other file's name.
        other: String,
    },
    /// The part's header says another number than its file name.
    #[error(
        "holds part {number}, but its name says part {named} (parts were renamed or reordered)"
    )]
    Misnamed {
        /// The number in the part header.
        number: u32,
        /// The number in the file name.
        named: u32,
    },
    /// The part is shorter (or longer) than its header says.
    #[error(
        "the part is truncated or damaged ({actual} bytes where its header announces {expected})"
    )]
    Truncated {
        /// Bytes the part should have.
        expected: u64,
        /// Bytes it has.
        actual: u64,
    },
    /// The part belongs to another split sealed file.
    #[error("does not belong with the other parts (it is from another split sealed file)")]
    Foreign,
    /// Not a tgseal part at all, or a part header that makes no sense.
    #[error("is not a part of a split tgseal sealed file ({0})")]
    NotAPart(&'static str),
}

impl PartProblem {
    /// A short stable identifier, as [`Error::kind`].
    pub fn kind(&self) -> &'static str {
        match self {
            PartProblem::Missing { .. } => "missing_part",
            PartProblem::Duplicate { .. } => "duplicate_part",
            PartProblem::Misnamed { .. } => "misnamed_part",
            PartProblem::Truncated { .. } => "truncated_part",
            PartProblem::Foreign => "foreign_part",
            PartProblem::NotAPart(_) => "not_a_part",
        }
    }
}

/// Turns an I/O error that carries a core [`Error`] back into that error.
/// Readers stacked under `Read` (a part set, the armor reader, a folder
/// archiver) can only fail with an `io::Error`; they wrap ours inside it.
pub fn lift(err: Error) -> Error {
    match err {
        Error::Io(io) if io.get_ref().is_some_and(|e| e.is::<Error>()) => match io.into_inner() {
            Some(inner) => match inner.downcast::<Error>() {
                Ok(core) => *core,
                Err(other) => Error::Io(std::io::Error::other(other)),
            },
            None => Error::Io(std::io::Error::other("I/O error")),
        },
        other => other,
    }
}

/// Result alias of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_said_plainly() {
        let full = Error::from(io::Error::from(io::ErrorKind::StorageFull));
        assert!(full.to_string().starts_with("the disk is full"), "{full}");
        #[cfg(target_os = "linux")]
        {
            // ENOSPC, as a write to a full disk returns it.
            let enospc = Error::from(io::Error::from_raw_os_error(28));
            assert!(enospc.to_string().contains("No space left"), "{enospc}");
            assert!(
                enospc.to_string().starts_with("the disk is full"),
                "{enospc}"
            );
        }
        let other = Error::from(io::Error::new(io::ErrorKind::NotFound, "gone"));
        assert_eq!(other.to_string(), "gone");
    }

    #[test]
    fn text_from_a_hostile_file_is_escaped_in_every_message() {
        let evil = "\u{1b}]0;PWNED\u{7}x\u{202e}";
        for err in [
            Error::UnsafeArchive(format!("the entry {evil} contains '..'")),
            Error::BadArchive(evil.into()),
            Error::TextPieces(evil.into()),
            Error::UnsupportedVersion(evil.into()),
            Error::InvalidName(evil.into()),
            Error::OutputExists(evil.into()),
            Error::Io(io::Error::other(evil)),
            Error::BrokenPart {
                name: evil.into(),
                problem: PartProblem::Duplicate {
                    number: 2,
                    other: evil.into(),
                },
            },
        ] {
            let text = err.to_string();
            assert!(
                !text.chars().any(crate::untrusted::is_hidden),
                "{}: {text:?}",
                err.kind()
            );
            assert!(text.contains("\\u{1b}]0;PWNED"), "{text}");
        }
    }
}
