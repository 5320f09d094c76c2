//! The backends must be interchangeable: the same sealed bytes as RustCrypto's
//! ChaCha20-Poly1305 with the §5 nonce, and the same refusals, leaving a
//! refused chunk as it was.

use chacha20poly1305::ChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit};
use proptest::prelude::*;

use super::{ChunkCipher, CipherBackend};

/// Every backend this build has; the portable one first.
fn backends(key: &[u8; 32]) -> Vec<ChunkCipher> {
    [CipherBackend::Portable, CipherBackend::Fused]
        .into_iter()
        .filter_map(|backend| ChunkCipher::with_backend(key, backend))
        .collect()
}

/// FORMAT.md §5, written out again here rather than calling the code under test.
fn reference_seal(key: &[u8; 32], index: u64, last: bool, plain: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; 12];
    nonce[..11].copy_from_slice(&u128::from(index).to_be_bytes()[5..]);
    nonce[11] = if last { 1 } else { 0 };
    ChaCha20Poly1305::new(key.into())
        .encrypt(&nonce.into(), plain)
        .unwrap()
}

#[test]
fn the_fused_backend_exists_where_ring_has_fused_assembly() {
    let expected = cfg!(all(
        feature = "fused",
        any(
            target_arch = "x86_64",
            all(target_arch = "aarch64", target_endian = "little")
        )
    ));
    let fused = ChunkCipher::with_backend(&[1; 32], CipherBackend::Fused);
    assert_eq!(fused.is_some(), expected);
    assert_eq!(super::fused::AVAILABLE, expected);
}

#[test]
fn a_missing_backend_falls_back_to_the_current_one() {
    assert!(CipherBackend::current().is_available());
    for backend in [CipherBackend::Portable, CipherBackend::Fused] {
        let cipher = ChunkCipher::new(&[2; 32], backend);
        if backend.is_available() {
            assert_eq!(cipher.backend(), backend);
        } else {
            assert_eq!(cipher.backend(), CipherBackend::current());
        }
    }
}

#[test]
fn every_backend_seals_empty_and_large_chunks_like_the_reference() {
    let key = [3u8; 32];
    let plain: Vec<u8> = (0..(1 << 20) + 7)
        .map(|i| (i * 7 + i / 4099) as u8)
        .collect();
    for len in [0, 1, 63, 64, 65, 255, 256, 511, 512, 513, 1 << 16, 1 << 20] {
        for last in [false, true] {
            let index = 0x0102_0304_0506_0708;
            let expected = reference_seal(&key, index, last, &plain[..len]);
            for cipher in backends(&key) {
                let mut buf = plain[..len].to_vec();
                cipher.seal(index, last, &mut buf);
                assert!(buf == expected, "{:?}, len {len}", cipher.backend());
                assert!(cipher.open(index, last, &mut buf));
                assert!(buf == plain[..len], "{:?}, len {len}", cipher.backend());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn backends_seal_alike_and_refuse_alike(
        key in any::<[u8; 32]>(),
        index in any::<u64>(),
        last in any::<bool>(),
        plain in proptest::collection::vec(any::<u8>(), 0..3000),
        flip in any::<proptest::sample::Index>(),
        bit in 0u8..8,
    ) {
        let expected = reference_seal(&key, index, last, &plain);
        for cipher in backends(&key) {
            let backend = cipher.backend();
            let mut sealed = plain.clone();
            cipher.seal(index, last, &mut sealed);
            prop_assert!(sealed == expected, "{:?} sealed other bytes", backend);

            // Altered: any bit flipped (ciphertext or tag), the other last flag,
            // another index, a byte cut off. Each is refused and left as it was.
            let mut flipped = sealed.clone();
            let at = flip.index(flipped.len());
            flipped[at] ^= 1 << bit;
            let mut cut = sealed.clone();
            cut.pop();
            let altered = [
                (index, last, flipped),
                (index, !last, sealed.clone()),
                (index ^ 1, last, sealed.clone()),
                (index.wrapping_add(1 << 40), last, sealed.clone()),
                (index, last, cut),
            ];
            for (i, (at_index, at_last, bad)) in altered.into_iter().enumerate() {
                let mut buf = bad.clone();
                prop_assert!(!cipher.open(at_index, at_last, &mut buf), "{:?} opened case {}", backend, i);
                prop_assert!(buf == bad, "{:?} changed refused case {}", backend, i);
            }

            // A refusal leaves the chunk usable: it still opens with the right nonce.
            let mut buf = sealed.clone();
            prop_assert!(!cipher.open(index, !last, &mut buf));
            prop_assert!(cipher.open(index, last, &mut buf), "{:?}", backend);
            prop_assert!(buf == plain, "{:?} opened to other bytes", backend);
        }
    }
}
