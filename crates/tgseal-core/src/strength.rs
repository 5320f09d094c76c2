//! How hard a typed passphrase is to guess, in plain language, from the zxcvbn
//! estimator (Wheeler, USENIX Security 2016). Used only when encrypting: a weak
//! passphrase makes every file sealed with it weak, whatever the KDF.

/// The estimate for one passphrase.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Strength {
    /// zxcvbn's score, 0 (under 10^3 guesses) … 3 (at least 10^8) … 4 (at least 10^10).
    pub score: u8,
    /// log10 of the estimated number of guesses.
    pub guesses_log10: f64,
    /// The main reason it is weak, if one is known (e.g. "This is a very common password.").
    pub warning: Option<String>,
    /// What to do instead.
    pub suggestions: Vec<String>,
}

/// Scores below this are weak: zxcvbn's "3" means at least 10^8 guesses
/// ("safely unguessable: moderate protection from offline slow-hash
/// scenario"), which with Argon2id at ~1 s per guess on one core is out of
/// reach of a casual attacker; score 2 (at least 10^6) is not.
pub const MIN_GOOD_SCORE: u8 = 3;

impl Strength {
    /// Whether the passphrase should not be used without the user's explicit consent.
    pub fn is_weak(&self) -> bool {
        self.score < MIN_GOOD_SCORE
    }

    /// One line for a terminal or a dialog: the warning, else a generic reason,
    /// followed by the suggestions.
    pub fn explanation(&self) -> String {
        let mut text = self
            .warning
            .clone()
            .unwrap_or_else(|| "It would not take many guesses to find.".to_owned());
        for suggestion in &self.suggestions {
            text.push(' ');
            text.push_str(suggestion);
        }
        text
    }
}

/// Estimates `passphrase` (the text as typed). zxcvbn's work grows with the
/// length; beyond 100 characters a passphrase is strong in any case and only
/// the first 100 are examined.
pub fn estimate(passphrase: &str) -> Strength {
    let examined: String = passphrase.chars().take(100).collect();
    let entropy = zxcvbn::zxcvbn(&examined, &[]);
    let feedback = entropy.feedback();
    Strength {
        score: u8::from(entropy.score()),
        guesses_log10: entropy.guesses_log10(),
        warning: feedback.and_then(|f| f.warning()).map(|w| w.to_string()),
        suggestions: feedback
            .map(|f| f.suggestions().iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_are_weak_with_a_reason() {
        let s = estimate("password1");
        assert!(s.is_weak());
        assert!(!s.explanation().is_empty());
        assert!(estimate("qwerty").is_weak());
    }

    #[test]
    fn generated_style_passphrases_are_strong() {
        let s = estimate("flatware crumpet unshaken ripeness boxcar scouting");
        assert!(!s.is_weak(), "{s:?}");
        assert_eq!(s.score, 4);
    }
}
