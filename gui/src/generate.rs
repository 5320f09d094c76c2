//! Word passphrases for the "Generate" button.
//!
//! NOTE for the lead: this belongs in the core (the `tgseal passphrase` issue adds
//! a generator with the same EFF list). It lives here, behind the one function
//! [`generate_passphrase`], only to avoid a conflict; when the core has it, delete
//! this module and `gui/assets/eff_large_wordlist.txt` and call the core instead.

use std::sync::OnceLock;

use zeroize::Zeroizing;

/// The EFF large wordlist: `DICE<TAB>word` per line (see gui/assets/README.md).
const EFF_LARGE_WORDLIST: &str = include_str!("../assets/eff_large_wordlist.txt");

/// How many words the "Generate" button uses: 6 × log2(7776) ≈ 77.5 bits.
pub const DEFAULT_WORDS: usize = 6;

/// Between words: a space, as people type words on a phone (and some EFF words,
/// like `drop-down`, contain a hyphen already).
const SEPARATOR: char = ' ';

fn wordlist() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        EFF_LARGE_WORDLIST
            .lines()
            .filter_map(|line| line.split('\t').nth(1))
            .map(str::trim)
            .filter(|word| !word.is_empty())
            .collect()
    })
}

/// The number of words in the list (7,776).
pub fn wordlist_len() -> usize {
    wordlist().len()
}

/// `words` words drawn uniformly and independently from the EFF large wordlist
/// with the operating system's CSPRNG, joined by spaces.
pub fn generate_passphrase(words: usize) -> Zeroizing<String> {
    let list = wordlist();
    let mut out = Zeroizing::new(String::with_capacity(words * 10));
    for i in 0..words {
        if i > 0 {
            out.push(SEPARATOR);
        }
        out.push_str(list[uniform_index(list.len())]);
    }
    out
}

/// A uniform index below `n` (rejection sampling: no modulo bias).
fn uniform_index(n: usize) -> usize {
    let n = n as u64;
    // The largest multiple of n that fits; values at or above it are redrawn.
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let mut bytes = [0u8; 8];
        if getrandom::fill(&mut bytes).is_err() {
            // The OS CSPRNG failing is not recoverable in any useful way, and a
            // passphrase from a weaker source must never be offered.
            panic!("the operating system's random number generator failed");
        }
        let value = u64::from_le_bytes(bytes);
        if value < zone {
            return (value % n) as usize;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn the_list_is_the_eff_large_list() {
        assert_eq!(wordlist_len(), 7776);
        assert_eq!(wordlist()[0], "abacus");
        assert_eq!(wordlist()[7775], "zoom");
        let mut sorted = wordlist().to_vec();
        sorted.dedup();
        assert_eq!(sorted.len(), 7776, "words are unique");
    }

    #[test]
    fn passphrases_have_the_asked_number_of_listed_words() {
        let phrase = generate_passphrase(DEFAULT_WORDS);
        let words: Vec<&str> = phrase.split(SEPARATOR).collect();
        assert_eq!(words.len(), DEFAULT_WORDS);
        for word in words {
            assert!(wordlist().contains(&word), "{word}");
        }
        assert_ne!(*generate_passphrase(6), *generate_passphrase(6));
    }
}
