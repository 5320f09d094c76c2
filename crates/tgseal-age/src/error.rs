//! The error type of the age paths. Its `Display` text is written for the
//! person reading it in a terminal or a dialog; its classes line up with the
//! core's (`is_authentication_failure`: the data did not authenticate).

use std::io;

use tgseal_core::untrusted::escape;

/// Everything that can go wrong while encrypting to or decrypting from age.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input does not start like an age file (binary or armored).
    #[error("not an age file")]
    NotAge,
    /// An age file of a format version this build does not know.
    #[error("unsupported age format version (the file was made by a newer age?)")]
    UnsupportedVersion,
    /// The header is malformed (a stanza, the MAC line, a recipient's
    /// arguments): the file was damaged or changed.
    #[error("the age file is damaged or was tampered with (its header is malformed)")]
    BadHeader,
    /// The header holds a passphrase (scrypt) stanza beside other stanzas,
    /// which the age specification forbids.
    #[error(
        "the age file's header is invalid: it mixes a passphrase (scrypt) stanza with other recipients"
    )]
    MixedPassphrase,
    /// The ASCII armor is malformed.
    #[error("the age file's ASCII armor is malformed ({})", escape(.0))]
    BadArmor(String),
    /// The header MAC does not verify: the header was changed.
    #[error("the age file is damaged or was tampered with (its header MAC does not verify)")]
    HeaderMac,
    /// None of the identities opens the file.
    #[error("no identity matches: the age file was not encrypted to any of the given keys")]
    NoMatchingIdentity,
    /// The passphrase does not open the age file.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The file asks for scrypt work above the cap.
    #[error(
        "the age file asks for an unusually expensive key derivation (scrypt work factor 2^{required}), \
         above the limit of 2^{cap}"
    )]
    WorkFactorOverCap {
        /// log2(N) the file asks for.
        required: u8,
        /// log2(N) the decryptor accepts.
        cap: u8,
    },
    /// The file is encrypted to public keys, and only a passphrase was given.
    #[error(
        "this age file is encrypted to public keys (recipients), not a passphrase; it opens only with the matching identity"
    )]
    NeedsIdentity,
    /// The file is encrypted with a passphrase, and only identities were given.
    #[error(
        "this age file is encrypted with a passphrase, not to a public key; it opens only with the passphrase"
    )]
    NeedsPassphrase,
    /// A payload chunk did not authenticate: the file was changed, or data was appended.
    #[error("the age file is damaged or was tampered with (a payload chunk does not verify)")]
    Tampered,
    /// The file ends before its final payload chunk.
    #[error("the age file is truncated (it ends before its final chunk)")]
    Truncated,
    /// The file ends inside its header.
    #[error("the age file is truncated (it ends inside its header)")]
    TruncatedHeader,
    /// The age file read from the parts of a split age file ends early. A
    /// missing last part looks exactly like this: no name can tell it is gone.
    #[error(
        "the age file is truncated: its parts end with {} before the file's final chunk; \
         {} is missing, or a part was cut short",
        escape(last),
        escape(next)
    )]
    PartsEndEarly {
        /// The file name of the last part found.
        last: String,
        /// The file name the next part would have.
        next: String,
    },
    /// A part of a split age file is missing: a gap in the numbers.
    #[error(
        "{}: part {number} of the split age file is missing (parts up to {highest} were found; every part is needed)",
        escape(name)
    )]
    MissingPart {
        /// The file name the missing part would have.
        name: String,
        /// Its number.
        number: u32,
        /// The highest part number found.
        highest: u32,
    },
    /// Two files carry the same part number (`x.age.002` and `x.age.0002`).
    #[error(
        "{}: is named as part {number}, like {} (a duplicated part)",
        escape(second),
        escape(first)
    )]
    DuplicatePart {
        /// The part number.
        number: u32,
        /// The first file's name.
        first: String,
        /// The second file's name.
        second: String,
    },
    /// What was given is not (a folder of) the parts of one split age file.
    #[error("{}", escape(.0))]
    NotParts(String),
    /// A recipient given on the command line or in a recipients file is not usable.
    #[error("invalid recipient: {}", escape(.0))]
    InvalidRecipient(String),
    /// An identity file could not be used.
    #[error("cannot use the identity file {}: {}", escape(path), escape(reason))]
    Identity {
        /// The identity file.
        path: String,
        /// Why, in words.
        reason: String,
    },
    /// A core error: passphrase, output exists, cancelled, I/O.
    #[error(transparent)]
    Core(#[from] tgseal_core::Error),
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Core(tgseal_core::Error::Io(e))
    }
}

impl Error {
    /// A short stable identifier of the error class, for machine-readable output.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::NotAge => "not_age",
            Error::UnsupportedVersion => "unsupported_version",
            Error::BadHeader | Error::MixedPassphrase => "bad_header",
            Error::BadArmor(_) => "bad_armor",
            Error::HeaderMac => "tampered",
            Error::NoMatchingIdentity => "no_matching_identity",
            Error::WrongPassphrase => "wrong_passphrase",
            Error::WorkFactorOverCap { .. } => "kdf_over_cap",
            Error::NeedsIdentity => "needs_identity",
            Error::NeedsPassphrase => "needs_passphrase",
            Error::Tampered => "tampered",
            Error::Truncated | Error::TruncatedHeader | Error::PartsEndEarly { .. } => "truncated",
            Error::MissingPart { .. } => "missing_part",
            Error::DuplicatePart { .. } => "duplicate_part",
            Error::NotParts(_) => "not_a_part",
            Error::InvalidRecipient(_) => "invalid_recipient",
            Error::Identity { .. } => "invalid_identity",
            Error::Core(e) => e.kind(),
        }
    }

    /// True for "this data did not authenticate": wrong passphrase, no
    /// matching identity (also a passphrase for a public-key file and the
    /// reverse: what was given does not open it), a header MAC or payload
    /// chunk that does not verify, truncation. Front ends map these to exit code 3, like the native format.
    pub fn is_authentication_failure(&self) -> bool {
        match self {
            Error::HeaderMac
            | Error::BadHeader
            | Error::NoMatchingIdentity
            | Error::WrongPassphrase
            | Error::Tampered
            | Error::Truncated
            | Error::TruncatedHeader
            | Error::PartsEndEarly { .. }
            | Error::NeedsIdentity
            | Error::NeedsPassphrase => true,
            Error::Core(e) => e.is_authentication_failure(),
            _ => false,
        }
    }
}

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Maps an error from the age crate's header phase.
pub(crate) fn from_decrypt(err: age::DecryptError, passphrase: bool, cap: u8) -> Error {
    use age::DecryptError as D;
    match err {
        D::DecryptionFailed | D::KeyDecryptionFailed if passphrase => Error::WrongPassphrase,
        D::DecryptionFailed | D::KeyDecryptionFailed | D::NoMatchingKeys => {
            Error::NoMatchingIdentity
        }
        D::ExcessiveWork { required, .. } => Error::WorkFactorOverCap { required, cap },
        D::InvalidHeader => Error::BadHeader,
        D::InvalidMac => Error::HeaderMac,
        D::UnknownFormat => Error::UnsupportedVersion,
        D::Io(e) => from_io(e, true),
        _ => Error::BadHeader,
    }
}

/// Maps an I/O error raised while reading an age file (armor, stream).
pub(crate) fn from_io(err: io::Error, in_header: bool) -> Error {
    if err
        .get_ref()
        .is_some_and(|inner| inner.is::<age::armor::ArmoredReadError>())
    {
        return Error::BadArmor(err.to_string());
    }
    match err.kind() {
        io::ErrorKind::UnexpectedEof if in_header => Error::TruncatedHeader,
        io::ErrorKind::UnexpectedEof => Error::Truncated,
        io::ErrorKind::InvalidData if in_header => Error::BadHeader,
        io::ErrorKind::InvalidData => Error::Tampered,
        _ => Error::Core(tgseal_core::Error::Io(err)),
    }
}
