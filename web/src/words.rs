//! How the web app words what went wrong: one function, from the core's
//! error (whose text is written for people) and what the page's controls
//! can do about it. The page shows the text as it is.

use tgseal_core::Error;

/// A failed job, for the page: a stable kind and a sentence to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// A short stable identifier (the core's `Error::kind`, or the web's own).
    pub kind: String,
    /// What to tell the user.
    pub message: String,
}

/// The label of the page's switch that lifts the KDF cap.
pub const LIFT_CAP_LABEL: &str = "Allow unusually expensive key derivation";
/// The label of the page's switch that accepts a weak passphrase.
pub const ALLOW_WEAK_LABEL: &str = "Use this passphrase anyway";

/// What to tell the user about `err`. `opening` adds that nothing was saved,
/// which holds for every failed open: output is offered only after the last
/// chunk verified.
pub fn failure(err: &Error, opening: bool) -> Failure {
    let mut message = match err {
        // Led by a file name, which keeps its case.
        Error::BrokenPart { .. } => full_stop(err.to_string()),
        _ => sentence(&err.to_string()),
    };
    match err {
        Error::KdfOverCap { .. } => {
            message.push_str(&format!(
                " If you trust whoever sent it, turn on “{LIFT_CAP_LABEL}” and try again."
            ));
        }
        Error::WrongPassphrase => {
            message.push_str(" Check it (letters, spaces, capitals) and try again.");
        }
        Error::BrokenPart { .. } => {
            message.push_str(" Choose every part of the split file together.");
        }
        _ => {}
    }
    if opening && !matches!(err, Error::Cancelled) {
        message.push_str(" Nothing was saved.");
    }
    Failure {
        kind: err.kind().to_owned(),
        message,
    }
}

/// The web app's own refusals, which have no core error.
pub fn refusal(kind: &str, message: impl Into<String>) -> Failure {
    Failure {
        kind: kind.to_owned(),
        message: sentence(&message.into()),
    }
}

/// `text` with a capital first letter and a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    full_stop(match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    })
}

/// `text` ending with a full stop.
fn full_stop(mut text: String) -> String {
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use tgseal_core::KdfCap;

    #[test]
    fn failures_read_as_sentences_with_their_remedy() {
        let wrong = failure(&Error::WrongPassphrase, true);
        assert_eq!(wrong.kind, "wrong_passphrase");
        assert!(wrong.message.starts_with("Wrong passphrase."));
        assert!(wrong.message.ends_with("Nothing was saved."));
        let cap = KdfCap::DEFAULT
            .check(&tgseal_core::KdfParams {
                memory_kib: 4 << 20,
                passes: 3,
                lanes: 4,
            })
            .unwrap_err();
        assert!(failure(&cap, true).message.contains(LIFT_CAP_LABEL));
        assert_eq!(
            failure(&Error::NotSealed, false).message,
            "Not a tgseal sealed file."
        );
    }
}
