//! The passphrase strength meter: zxcvbn's estimate in plain words.

/// Only the first characters are scored: zxcvbn's work grows quickly with length,
/// and anything this long is strong unless it is one repeated pattern.
const SCORED_CHARS: usize = 64;

/// How strong a passphrase looks, for the meter under the passphrase field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Strength {
    /// 0 (guessed at once) to 4 (very strong), zxcvbn's score.
    pub score: u8,
    /// One word for the meter.
    pub label: &'static str,
    /// Advice when the passphrase is weak, in plain language.
    pub hint: Option<String>,
}

impl Strength {
    /// Scores 3 and 4 need more than 10^8 guesses: fine against an attacker who
    /// must also pay Argon2id for every guess.
    pub fn is_weak(&self) -> bool {
        self.score < 3
    }

    /// The meter's fill, 0.0 to 1.0.
    pub fn fraction(&self) -> f32 {
        f32::from(self.score + 1) / 5.0
    }
}

/// Estimates the strength of `passphrase`; `None` when it is empty.
pub fn estimate(passphrase: &str) -> Option<Strength> {
    if passphrase.is_empty() {
        return None;
    }
    let end = passphrase
        .char_indices()
        .nth(SCORED_CHARS)
        .map_or(passphrase.len(), |(i, _)| i);
    let entropy = zxcvbn::zxcvbn(&passphrase[..end], &[]);
    let score = u8::from(entropy.score());
    let label = match score {
        0 => "very weak",
        1 => "weak",
        2 => "fair",
        3 => "strong",
        _ => "very strong",
    };
    let hint = (score < 3).then(|| {
        let mut parts = Vec::new();
        if let Some(feedback) = entropy.feedback() {
            if let Some(warning) = feedback.warning() {
                parts.push(warning.to_string());
            }
            parts.extend(feedback.suggestions().iter().map(ToString::to_string));
        }
        if parts.is_empty() {
            parts.push("Add more words; a few uncommon words beat one complicated word.".into());
        }
        parts.push("Or press Generate for six random words.".into());
        parts.join(" ")
    });
    Some(Strength { score, label, hint })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn common_passwords_are_weak_with_a_hint() {
        let s = estimate("password1").unwrap();
        assert!(s.is_weak());
        assert!(s.hint.is_some());
    }

    #[test]
    fn generated_passphrases_are_strong() {
        let phrase = tgseal_core::generate::generate_passphrase(6).unwrap();
        let s = estimate(phrase.expose()).unwrap();
        assert!(!s.is_weak(), "{s:?}");
        assert!(s.hint.is_none());
    }

    #[test]
    fn empty_has_no_estimate() {
        assert_eq!(estimate(""), None);
    }
}
