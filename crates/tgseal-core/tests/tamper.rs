//! Every kind of damage gets its own error class and releases nothing unverified.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TINY_KDF, open};
use tgseal_core::{
    ChunkSize, Decryptor, EncryptOptions, Error, KdfCap, Keyring, Metadata, Passphrase,
};

const PASS: &str = "tamper test passphrase";
const CHUNK: usize = 1 << 16;

struct Sealed {
    bytes: Vec<u8>,
    header_len: usize,
    plain: Vec<u8>,
}

fn sealed(len: usize, known_len: bool) -> Sealed {
    let plain: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
    let meta = Metadata::file("victim.bin", known_len.then_some(len as u64), None);
    let options = EncryptOptions::default().with_chunk_size(ChunkSize::from_log2(16).unwrap());
    let bytes = common::seal(&common::master(PASS, TINY_KDF), &meta, &plain, &options);
    let header_len = tgseal_core::inspect(&mut &bytes[..]).unwrap().header_len;
    Sealed {
        bytes,
        header_len,
        plain,
    }
}

fn kind(bytes: &[u8]) -> &'static str {
    open(bytes, PASS).0.map(|e| e.kind()).unwrap_or("success")
}

fn chunk_range(s: &Sealed, i: usize) -> std::ops::Range<usize> {
    let start = s.header_len + i * (CHUNK + 16);
    start..(start + CHUNK + 16).min(s.bytes.len())
}

#[test]
fn every_header_bit_flip_is_detected_with_its_class() {
    let s = sealed(1000, true);
    for i in 0..s.header_len {
        for bit in [0, 7] {
            let mut bytes = s.bytes.clone();
            bytes[i] ^= 1 << bit;
            let (err, released) = open(&bytes, PASS);
            let err = err.unwrap_or_else(|| panic!("flip at byte {i} bit {bit} not detected"));
            assert!(released.is_empty(), "byte {i}: plaintext released");
            let allowed: &[&str] = match i {
                0..=5 => &["not_sealed"],
                6 | 7 => &["unsupported_version"],
                // KDF parameters, salt and check value change the key or the check.
                8..=51 => &["wrong_passphrase", "kdf_over_cap", "tampered"],
                // Seed, chunk size, metadata length, sealed metadata, MAC.
                _ => &["tampered", "truncated"],
            };
            assert!(
                allowed.contains(&err.kind()),
                "byte {i} bit {bit}: {} ({err})",
                err.kind()
            );
        }
    }
}

#[test]
fn payload_bit_flip_is_tampering_and_earlier_chunks_only_are_released() {
    let s = sealed(3 * CHUNK + 100, true);
    for chunk in 0..4 {
        let mut bytes = s.bytes.clone();
        let range = chunk_range(&s, chunk);
        bytes[range.start + 5] ^= 0x10;
        let (err, released) = open(&bytes, PASS);
        assert_eq!(err.map(|e| e.kind()), Some("tampered"), "chunk {chunk}");
        assert_eq!(
            released,
            s.plain[..chunk * CHUNK],
            "chunk {chunk}: released more than the verified chunks"
        );
    }
}

#[test]
fn truncation_at_and_between_chunk_boundaries() {
    for known_len in [true, false] {
        let s = sealed(3 * CHUNK + 100, known_len);
        // At a boundary: the remaining chunks verify but none is final.
        for chunks in 1..=3 {
            let cut = s.header_len + chunks * (CHUNK + 16);
            assert_eq!(
                kind(&s.bytes[..cut]),
                "truncated",
                "cut after {chunks} chunks"
            );
        }
        // Between boundaries.
        for cut in [
            s.header_len + 10,
            s.header_len + CHUNK + 16 + 500,
            s.bytes.len() - 1,
        ] {
            let class = kind(&s.bytes[..cut]);
            if known_len {
                assert_eq!(class, "truncated", "cut at {cut}");
            } else {
                // Without a known length a cut inside a chunk looks like damage.
                assert!(
                    ["truncated", "tampered"].contains(&class),
                    "cut at {cut}: {class}"
                );
            }
        }
        assert_eq!(kind(&s.bytes[..s.header_len]), "truncated");
    }
}

#[test]
fn swapped_duplicated_and_appended_chunks_are_tampering() {
    let s = sealed(3 * CHUNK + 100, true);
    let (a, b) = (chunk_range(&s, 0), chunk_range(&s, 1));
    let mut swapped = s.bytes.clone();
    swapped[a.clone()].copy_from_slice(&s.bytes[b.clone()]);
    swapped[b.clone()].copy_from_slice(&s.bytes[a.clone()]);
    assert_eq!(kind(&swapped), "tampered");

    let mut duplicated = s.bytes[..b.end].to_vec();
    duplicated.extend_from_slice(&s.bytes[b.clone()]);
    duplicated.extend_from_slice(&s.bytes[b.end..]);
    assert_eq!(kind(&duplicated), "tampered");

    for extra in [1usize, 16, 17, CHUNK + 16] {
        let mut appended = s.bytes.clone();
        appended.extend(std::iter::repeat_n(0xAA, extra));
        assert_eq!(kind(&appended), "tampered", "{extra} bytes appended");
    }

    // A final chunk moved to the middle: it verifies only as final.
    let s1 = sealed(100, true);
    let mut spliced = s1.bytes.clone();
    spliced.extend_from_slice(&s1.bytes[s1.header_len..]);
    assert_eq!(kind(&spliced), "tampered");
}

#[test]
fn wrong_passphrase_is_its_own_class() {
    let s = sealed(10, true);
    let (err, released) = open(&s.bytes, "another passphrase");
    assert!(matches!(err, Some(Error::WrongPassphrase)));
    assert!(released.is_empty());
}

#[test]
fn not_sealed_and_empty_input() {
    assert_eq!(kind(b""), "not_sealed");
    assert_eq!(kind(b"tgsea"), "not_sealed");
    assert_eq!(kind(b"age-encryption.org/v1\n"), "not_sealed");
    assert_eq!(kind(b"tgseal\x01"), "truncated");
}

#[test]
fn kdf_cap_applies_before_any_work_and_can_be_lifted() {
    let s = sealed(10, true);
    let mut greedy = s.bytes.clone();
    greedy[8..12].copy_from_slice(&(3u32 * 1024 * 1024).to_le_bytes());
    assert_eq!(kind(&greedy), "kdf_over_cap");
    let mut slow = s.bytes.clone();
    slow[12..16].copy_from_slice(&1000u32.to_le_bytes());
    assert_eq!(kind(&slow), "kdf_over_cap");
    // A tighter cap refuses even the original file.
    let tight = KdfCap {
        max_memory_kib: 32,
        max_passes: 16,
    };
    let keyring = Keyring::new(Passphrase::new(PASS).unwrap(), tight);
    assert!(matches!(
        Decryptor::new(&s.bytes[..], &keyring),
        Err(Error::KdfOverCap { .. })
    ));
}
