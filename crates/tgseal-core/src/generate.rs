//! Passphrases people can read aloud and type on a phone: words drawn from the
//! EFF large wordlist with the OS CSPRNG.
//!
//! The wordlist (`eff_large_wordlist.txt`, 7776 words, one per line after its
//! dice number) is © Electronic Frontier Foundation, published under the
//! Creative Commons Attribution 3.0 licence (CC BY 3.0,
//! <https://creativecommons.org/licenses/by/3.0/>), from
//! <https://www.eff.org/dice>. It is embedded unchanged.

use zeroize::Zeroizing;

use crate::Result;
use crate::crypto::keys::fill_random;
use crate::crypto::passphrase::Passphrase;

const WORDLIST: &str = include_str!("eff_large_wordlist.txt");

/// Words in the EFF large wordlist (6^5: five dice per word).
pub const WORDLIST_LEN: usize = 7776;
/// Words in a generated passphrase unless asked otherwise: 6 × 12.9 ≈ 77.5 bits.
pub const DEFAULT_WORDS: usize = 6;
/// Fewest words accepted: 4 words are ≈ 51.7 bits, already slow to guess
/// through Argon2id, but below that a generator would hand out weak passphrases.
pub const MIN_WORDS: usize = 4;
/// Most words accepted.
pub const MAX_WORDS: usize = 32;

/// The 7776 words, in list order.
pub fn wordlist() -> impl Iterator<Item = &'static str> {
    WORDLIST.lines().filter_map(|line| line.split('\t').nth(1))
}

/// Bits of entropy in a passphrase of `words` words: `words · log2(7776)`.
pub fn entropy_bits(words: usize) -> f64 {
    words as f64 * (WORDLIST_LEN as f64).log2()
}

/// A passphrase of `words` words (clamped to [`MIN_WORDS`]…[`MAX_WORDS`]),
/// separated by single spaces. Every word is chosen uniformly: 16-bit random
/// values ≥ 62208 (= 8 · 7776) are rejected and redrawn, the rest taken mod 7776.
pub fn generate_passphrase(words: usize) -> Result<Passphrase> {
    let words = words.clamp(MIN_WORDS, MAX_WORDS);
    let list: Vec<&str> = wordlist().collect();
    let mut text = Zeroizing::new(String::with_capacity(words * 10));
    let mut chosen = 0;
    let mut pool = Zeroizing::new([0u8; 64]);
    while chosen < words {
        fill_random(pool.as_mut())?;
        for pair in pool.chunks_exact(2) {
            let value = usize::from(u16::from_le_bytes([pair[0], pair[1]]));
            if value >= 8 * WORDLIST_LEN || chosen == words {
                continue;
            }
            if chosen > 0 {
                text.push(' ');
            }
            text.push_str(list[value % WORDLIST_LEN]);
            chosen += 1;
        }
    }
    Passphrase::new(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordlist_is_the_full_eff_large_list() {
        let words: Vec<&str> = wordlist().collect();
        assert_eq!(words.len(), WORDLIST_LEN);
        assert_eq!(words[0], "abacus");
        assert_eq!(words[WORDLIST_LEN - 1], "zoom");
        let unique: std::collections::HashSet<_> = words.iter().collect();
        assert_eq!(unique.len(), WORDLIST_LEN);
        assert!(words.iter().all(|w| !w.is_empty() && !w.contains(' ')));
    }

    #[test]
    fn generated_passphrases_have_the_asked_word_count() {
        let list: std::collections::HashSet<&str> = wordlist().collect();
        for n in [4, 6, 10] {
            let pass = generate_passphrase(n).unwrap();
            let words: Vec<&str> = pass.expose().split(' ').collect();
            assert_eq!(words.len(), n);
            assert!(words.iter().all(|w| list.contains(w)));
        }
        assert_eq!(
            generate_passphrase(1).unwrap().expose().split(' ').count(),
            MIN_WORDS
        );
        assert!((entropy_bits(6) - 77.55).abs() < 0.01);
    }
}
