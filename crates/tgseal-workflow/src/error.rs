//! The one error type of the workflow layer: a sealed-file error or an age
//! error, with what every front end needs to present it — a class (for exit
//! codes), a stable code (for JSON) and a remedy (what the user can change).
//!
//! Messages name no front-end control: the library cannot know whether the
//! user sees a command-line flag or a checkbox. Each front end words a
//! [`Remedy`] its own way, in one function.

use std::io;

/// Everything that can go wrong while sealing or opening through this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A tgseal-format error (also I/O, cancellation, passphrase problems).
    #[error(transparent)]
    Sealed(tgseal_core::Error),
    /// An age-format error.
    #[error(transparent)]
    Age(tgseal_age::Error),
    /// A stream holds one part of a split sealed file: the other parts
    /// cannot be found from a stream.
    #[error(
        "the stream holds one part of a split sealed file; open the part by its path so the other parts can be found"
    )]
    LonePart,
    /// A stream holds one piece of a text message sent in several pieces.
    #[error(
        "this is one piece of a text message in several pieces; open it together with all its pieces"
    )]
    LonePiece,
}

/// Result alias of the workflow layer.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How a failure is classed, for exit codes and colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// The data did not authenticate: wrong passphrase or key, tampering,
    /// truncation (CLI exit code 3).
    Authentication,
    /// The user cancelled (Ctrl-C, a Cancel button).
    Cancelled,
    /// The passphrase given cannot be used at all (empty, not UTF-8).
    BadPassphrase,
    /// Anything else.
    Failure,
}

/// Something the user can change to make a failed job work. Front ends name
/// their own control for each (a flag, a checkbox, a file picker).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Remedy {
    /// The output exists: allow replacing it.
    AllowOverwrite,
    /// The file asks for more key-derivation work than the cap: lift the cap
    /// if the file is trusted.
    LiftKdfCap,
    /// An age file encrypted to public keys: give the matching identity.
    GiveIdentity,
    /// An age file encrypted with a passphrase: open it with the passphrase
    /// rather than identities.
    UsePassphrase,
}

impl From<tgseal_core::Error> for Error {
    fn from(err: tgseal_core::Error) -> Self {
        Error::Sealed(err)
    }
}

impl From<tgseal_age::Error> for Error {
    fn from(err: tgseal_age::Error) -> Self {
        match err {
            // One home for the core's classes: an age path's I/O error or
            // cancellation is the same error as anywhere else.
            tgseal_age::Error::Core(core) => Error::Sealed(core),
            other => Error::Age(other),
        }
    }
}

impl From<io::Error> for Error {
    fn from(err: io::Error) -> Self {
        Error::Sealed(tgseal_core::Error::Io(err))
    }
}

/// A borrowed view of any error the format crates raise, however it reached
/// the front end (inside this crate's [`Error`], or as a core or age error
/// from a direct call): what front ends classify, in one place each.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Fault<'a> {
    /// A tgseal-format error (also I/O, cancellation, passphrase problems).
    Sealed(&'a tgseal_core::Error),
    /// An age-format error.
    Age(&'a tgseal_age::Error),
    /// See [`Error::LonePart`].
    LonePart,
    /// See [`Error::LonePiece`].
    LonePiece,
}

impl<'a> Fault<'a> {
    /// The fault inside `err`, if it is one of ours.
    pub fn of(err: &'a (dyn std::error::Error + 'static)) -> Option<Fault<'a>> {
        if let Some(e) = err.downcast_ref::<Error>() {
            return Some(e.fault());
        }
        if let Some(e) = err.downcast_ref::<tgseal_core::Error>() {
            return Some(Fault::Sealed(e));
        }
        err.downcast_ref::<tgseal_age::Error>().map(Fault::from_age)
    }

    fn from_age(err: &'a tgseal_age::Error) -> Fault<'a> {
        match err {
            tgseal_age::Error::Core(core) => Fault::Sealed(core),
            other => Fault::Age(other),
        }
    }

    /// The class of the failure.
    pub fn class(self) -> Class {
        use tgseal_core::Error as Core;
        match self {
            Fault::Sealed(Core::Cancelled) => Class::Cancelled,
            Fault::Sealed(Core::EmptyPassphrase | Core::PassphraseNotUtf8) => Class::BadPassphrase,
            Fault::Sealed(e) if e.is_authentication_failure() => Class::Authentication,
            Fault::Age(e) if e.is_authentication_failure() => Class::Authentication,
            _ => Class::Failure,
        }
    }

    /// A short stable identifier of the error, for machine-readable output
    /// (docs/BATCH.md lists them).
    pub fn code(self) -> &'static str {
        match self {
            Fault::Sealed(e) => e.kind(),
            Fault::Age(e) => e.kind(),
            Fault::LonePart => "not_a_part",
            Fault::LonePiece => "incomplete_text",
        }
    }

    /// What the user could change, when there is one thing to say.
    pub fn remedy(self) -> Option<Remedy> {
        use tgseal_age::Error as Age;
        use tgseal_core::Error as Core;
        match self {
            Fault::Sealed(Core::OutputExists(_)) => Some(Remedy::AllowOverwrite),
            Fault::Sealed(Core::KdfOverCap { .. }) | Fault::Age(Age::WorkFactorOverCap { .. }) => {
                Some(Remedy::LiftKdfCap)
            }
            Fault::Age(Age::NeedsIdentity) => Some(Remedy::GiveIdentity),
            Fault::Age(Age::NeedsPassphrase) => Some(Remedy::UsePassphrase),
            _ => None,
        }
    }
}

impl Error {
    /// The borrowed view front ends classify.
    pub fn fault(&self) -> Fault<'_> {
        match self {
            Error::Sealed(e) => Fault::Sealed(e),
            Error::Age(e) => Fault::from_age(e),
            Error::LonePart => Fault::LonePart,
            Error::LonePiece => Fault::LonePiece,
        }
    }

    /// The class of the failure.
    pub fn class(&self) -> Class {
        self.fault().class()
    }

    /// A short stable identifier of the error, for machine-readable output.
    pub fn code(&self) -> &'static str {
        self.fault().code()
    }

    /// What the user could change, when there is one thing to say.
    pub fn remedy(&self) -> Option<Remedy> {
        self.fault().remedy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_errors_that_wrap_core_errors_are_core_errors() {
        let err = Error::from(tgseal_age::Error::Core(tgseal_core::Error::Cancelled));
        assert!(matches!(err, Error::Sealed(tgseal_core::Error::Cancelled)));
        assert_eq!(err.class(), Class::Cancelled);
    }

    #[test]
    fn classes_and_remedies() {
        assert_eq!(
            Error::from(tgseal_core::Error::WrongPassphrase).class(),
            Class::Authentication
        );
        assert_eq!(
            Error::from(tgseal_age::Error::NoMatchingIdentity).class(),
            Class::Authentication
        );
        assert_eq!(
            Error::from(tgseal_core::Error::EmptyPassphrase).class(),
            Class::BadPassphrase
        );
        let exists = Error::from(tgseal_core::Error::OutputExists("x".into()));
        assert_eq!(exists.class(), Class::Failure);
        assert_eq!(exists.remedy(), Some(Remedy::AllowOverwrite));
        assert_eq!(exists.code(), "output_exists");
        assert_eq!(
            Error::from(tgseal_age::Error::NeedsIdentity).remedy(),
            Some(Remedy::GiveIdentity)
        );
    }
}
