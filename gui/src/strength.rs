//! The passphrase strength meter: the core's estimate
//! ([`tgseal_core::strength::estimate`], the one `tgseal encrypt` warns with)
//! put in the window's words. Nothing is scored here.

use tgseal_core::strength as core;

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
    /// Weak as the core counts it ([`core::MIN_GOOD_SCORE`]): sealing with a
    /// weak passphrase makes the file weak, whatever the key derivation.
    pub fn is_weak(&self) -> bool {
        self.score < core::MIN_GOOD_SCORE
    }

    /// The meter's fill, 0.0 to 1.0: even the weakest score shows a sliver.
    pub fn fraction(&self) -> f32 {
        f32::from(self.score + 1) / 5.0
    }
}

/// Estimates the strength of `passphrase`; `None` when it is empty (no meter).
pub fn estimate(passphrase: &str) -> Option<Strength> {
    if passphrase.is_empty() {
        return None;
    }
    let estimate = core::estimate(passphrase);
    let label = match estimate.score {
        0 => "very weak",
        1 => "weak",
        2 => "fair",
        3 => "strong",
        _ => "very strong",
    };
    let hint = estimate.is_weak().then(|| hint(&estimate));
    Some(Strength {
        score: estimate.score,
        label,
        hint,
    })
}

/// The advice under a weak passphrase: zxcvbn's warning and suggestions, and
/// always the way out, Generate. Not [`core::Strength::explanation`]: its
/// fallback says why the passphrase is weak, where the window says what to do.
fn hint(estimate: &core::Strength) -> String {
    let mut parts: Vec<String> = estimate
        .warning
        .iter()
        .chain(&estimate.suggestions)
        .cloned()
        .collect();
    if parts.is_empty() {
        parts.push("Add more words; a few uncommon words beat one complicated word.".into());
    }
    parts.push("Or press Generate for six random words.".into());
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn common_passwords_are_weak_with_a_hint() {
        let s = estimate("password1").unwrap();
        assert!(s.is_weak());
        let hint = s.hint.unwrap();
        assert!(
            hint.ends_with("Or press Generate for six random words."),
            "{hint}"
        );
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

    #[test]
    fn the_meter_agrees_with_the_core_past_64_characters() {
        // 70 repeated characters, then words: a meter that stopped at 64 (as
        // this one once did) would see only the repetition and call it weak.
        let phrase = format!("{}{}", "a".repeat(70), " flatware crumpet unshaken");
        let first_64: String = phrase.chars().take(64).collect();
        assert!(core::estimate(&first_64).is_weak());
        let s = estimate(&phrase).unwrap();
        assert_eq!(s.score, core::estimate(&phrase).score);
        assert!(!s.is_weak(), "{s:?}");
    }
}
