//! Size padding with Padmé (FORMAT.md §9): hides a file's exact size so that a
//! known file cannot be recognised by its length alone.
//!
//! Padmé (Nikitin, Barman, Lueks, Underwood, Hubaux, Ford: "Reducing Metadata
//! Leakage from Encrypted Files and Communication with PURBs", PETS 2019) rounds
//! a length up so that only its top O(log log n) bits remain, at a cost of at
//! most ~12 % (less for larger files).

use crate::crypto::format::Metadata;

/// §9: the Padmé length of `len`: `len` rounded up so that at most
/// ⌊log2 ⌊log2 len⌋⌋ + 1 of its bits below the top bit may be non-zero.
pub fn padme(len: u64) -> u64 {
    if len < 2 {
        return len;
    }
    let e = u64::from(63 - len.leading_zeros()); // ⌊log2 len⌋ ≥ 1
    let s = u64::from(63 - e.leading_zeros()) + 1; // ⌊log2 e⌋ + 1
    let last_bits = e - s;
    let mask = (1u64 << last_bits) - 1;
    // Cannot overflow in practice (len ≤ 2^64 − 2^58), but stay exact anyway.
    len.checked_add(mask).map_or(len, |n| n & !mask)
}

/// §9: the zero bytes to seal after `content_len` bytes of content so that the
/// payload plaintext is `padme(content_len)` bytes long.
pub fn padding_for(content_len: u64) -> u64 {
    padme(content_len) - content_len
}

/// Sets `metadata.padding_len` per §9. Padding needs the content length to be
/// known before sealing (FORMAT.md §4.2): returns false, and leaves the metadata
/// unchanged, when it is not (standard input).
pub fn pad(metadata: &mut Metadata) -> bool {
    match metadata.content_len {
        Some(len) => {
            metadata.padding_len = padding_for(len);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // Values from the PURBs paper's definition, worked by hand.
        for (len, padded) in [
            (0, 0),
            (1, 1),
            (2, 2),
            (3, 3),
            (9, 10),
            (100, 104),
            (1000, 1024),
            (1_000_000, 1_015_808),
            (1 << 30, 1 << 30),
            ((1 << 30) + 1, (1 << 30) + (1 << 25)),
        ] {
            assert_eq!(padme(len), padded, "padme({len})");
        }
    }

    #[test]
    fn overhead_is_bounded() {
        for len in (0..200_000u64).chain((1..64).map(|k| (1u64 << k) + 12_345)) {
            let padded = padme(len);
            assert!(padded >= len);
            if len >= 64 {
                // 12 % for small sizes, shrinking as files grow.
                assert!(
                    (padded - len) as f64 <= 0.12 * len as f64,
                    "{len} -> {padded}"
                );
            }
            // Padding is idempotent: a padded length is its own Padmé length.
            assert_eq!(padme(padded), padded);
        }
    }

    #[test]
    fn unknown_length_is_not_padded() {
        let mut meta = Metadata::file("x", None, None);
        assert!(!pad(&mut meta));
        assert_eq!(meta.padding_len, 0);
        let mut meta = Metadata::file("x", Some(1000), None);
        assert!(pad(&mut meta));
        assert_eq!(meta.padding_len, 24);
    }
}
