//! Encrypt → decrypt round trips across sizes around chunk boundaries.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TINY_KDF;
use proptest::prelude::*;
use tgseal_core::{ChunkSize, Control, EncryptOptions, MasterKey, Metadata};

const PASS: &str = "tgseal round trip";

fn seal(master: &MasterKey, plain: &[u8], chunk: ChunkSize, known_len: bool) -> Vec<u8> {
    let meta = Metadata::file("data.bin", known_len.then_some(plain.len() as u64), None);
    common::seal(
        master,
        &meta,
        plain,
        &EncryptOptions::default().with_chunk_size(chunk),
    )
}

fn open(sealed: &[u8]) -> Vec<u8> {
    let (err, plain) = common::open(sealed, PASS);
    if let Some(err) = err {
        panic!("does not open: {err}");
    }
    plain
}

fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[test]
fn sizes_around_chunk_boundaries() {
    let master = common::master(PASS, TINY_KDF);
    let chunk = ChunkSize::from_log2(16).unwrap();
    let c = chunk.bytes();
    for len in [0, 1, c - 1, c, c + 1, 2 * c, 3 * c + 17] {
        for known_len in [true, false] {
            let plain = data(len, len as u8);
            let sealed = seal(&master, &plain, chunk, known_len);
            let header_len = tgseal_core::inspect(&mut &sealed[..]).unwrap().header_len as u64;
            assert_eq!(
                sealed.len() as u64,
                header_len + tgseal_core::sealed_payload_len(len as u64, chunk)
            );
            assert_eq!(open(&sealed), plain, "len {len}");
        }
    }
}

#[test]
fn every_chunk_size_round_trips() {
    let master = common::master(PASS, TINY_KDF);
    for log2 in ChunkSize::MIN_LOG2..=ChunkSize::MAX_LOG2 {
        let chunk = ChunkSize::from_log2(log2).unwrap();
        let plain = data(chunk.bytes() * 2 + 5, log2);
        assert_eq!(open(&seal(&master, &plain, chunk, true)), plain);
    }
    assert!(ChunkSize::from_log2(15).is_none());
    assert!(ChunkSize::from_log2(21).is_none());
}

#[test]
fn same_master_key_gives_different_files() {
    let master = common::master(PASS, TINY_KDF);
    let a = seal(&master, b"same", ChunkSize::DEFAULT, true);
    let b = seal(&master, b"same", ChunkSize::DEFAULT, true);
    assert_ne!(a, b, "every file must get a fresh seed");
    // Salt and parameters are shared (bytes 8..36), the seed (52..84) is not.
    assert_eq!(a[8..36], b[8..36]);
    assert_ne!(a[52..84], b[52..84]);
}

#[test]
fn progress_reaches_the_total_and_cancel_stops() {
    use std::sync::{Arc, Mutex};
    let master = common::master(PASS, TINY_KDF);
    let plain = data(300_000, 1);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let control = Control::new().with_progress(move |p| sink.lock().unwrap().push(p));
    let meta = Metadata::file("p", Some(plain.len() as u64), None);
    let mut out = Vec::new();
    tgseal_core::encrypt(
        &master,
        &meta,
        &mut &plain[..],
        &mut out,
        &EncryptOptions::default(),
        &control,
    )
    .unwrap();
    let last = *seen.lock().unwrap().last().unwrap();
    assert_eq!((last.done, last.total), (300_000, Some(300_000)));

    let cancelled = Control::new();
    cancelled.cancel();
    let err = tgseal_core::encrypt(
        &master,
        &meta,
        &mut &plain[..],
        &mut Vec::new(),
        &EncryptOptions::default(),
        &cancelled,
    )
    .unwrap_err();
    assert!(matches!(err, tgseal_core::Error::Cancelled));
}

#[test]
fn input_that_changes_size_is_refused() {
    let master = common::master(PASS, TINY_KDF);
    for (announced, actual) in [(10u64, 9usize), (10, 11)] {
        let meta = Metadata::file("f", Some(announced), None);
        let err = tgseal_core::encrypt(
            &master,
            &meta,
            &mut &data(actual, 0)[..],
            &mut Vec::new(),
            &EncryptOptions::default(),
            &Control::new(),
        )
        .unwrap_err();
        assert!(
            matches!(err, tgseal_core::Error::InputChanged { .. }),
            "{err}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn random_data_round_trips(plain in proptest::collection::vec(any::<u8>(), 0..200_000), known in any::<bool>()) {
        let master = common::master(PASS, TINY_KDF);
        let sealed = seal(&master, &plain, ChunkSize::from_log2(16).unwrap(), known);
        prop_assert_eq!(open(&sealed), plain);
    }
}
