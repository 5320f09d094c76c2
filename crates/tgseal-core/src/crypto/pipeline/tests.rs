//! The parallel payload must be indistinguishable from the sequential one: the
//! same bytes when sealing, the same plaintext, errors and delivered prefix when
//! opening, for every thread count and either cipher backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::sync::{Arc, Mutex};

use proptest::prelude::*;

use crate::control::Control;
use crate::crypto::cipher::CipherBackend;
use crate::crypto::stream::{ChunkCipher, ChunkSize, TAG_LEN, open_payload, seal_payload};
use crate::{Error, Result};

const THREADS: [usize; 4] = [1, 2, 3, 8];

pub(crate) fn chunk() -> ChunkSize {
    ChunkSize::from_log2(ChunkSize::MIN_LOG2).unwrap()
}

fn cipher() -> ChunkCipher {
    ChunkCipher::new(&[7u8; 32], CipherBackend::current())
}

/// The cipher on every backend this build has, the portable one first.
fn every_backend() -> Vec<ChunkCipher> {
    [CipherBackend::Portable, CipherBackend::Fused]
        .into_iter()
        .filter_map(|backend| ChunkCipher::with_backend(&[7u8; 32], backend))
        .collect()
}

pub(crate) fn content(len: usize) -> Vec<u8> {
    // Not all zero, and different in every chunk, so swapped chunks differ.
    (0..len).map(|i| (i * 31 + i / 65_536) as u8).collect()
}

pub(crate) fn seal(plain: &[u8], threads: usize) -> Vec<u8> {
    seal_with(&cipher(), plain, threads)
}

fn seal_with(cipher: &ChunkCipher, plain: &[u8], threads: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let total = Some(plain.len() as u64);
    let (read, written) = seal_payload(
        cipher,
        chunk(),
        &mut &plain[..],
        &mut out,
        total,
        &Control::new(),
        threads,
    )
    .unwrap();
    assert_eq!(read, plain.len() as u64);
    assert_eq!(written, out.len() as u64);
    out
}

/// Opens `sealed`; returns the outcome and every byte the sink received.
pub(crate) fn open(sealed: &[u8], expected: Option<u64>, threads: usize) -> (Result<u64>, Vec<u8>) {
    open_with(&cipher(), sealed, expected, threads)
}

fn open_with(
    cipher: &ChunkCipher,
    sealed: &[u8],
    expected: Option<u64>,
    threads: usize,
) -> (Result<u64>, Vec<u8>) {
    let mut delivered = Vec::new();
    let result = open_payload(
        cipher,
        chunk(),
        &mut &sealed[..],
        expected,
        &Control::new(),
        threads,
        |plain| {
            delivered.extend_from_slice(plain);
            Ok(())
        },
    );
    (result, delivered)
}

/// Kind and message: Tampered's reason is part of the message.
pub(crate) fn describe(result: &Result<u64>) -> String {
    match result {
        Ok(n) => format!("ok {n}"),
        Err(e) => format!("{}: {e}", e.kind()),
    }
}

pub(crate) fn boundary_sizes() -> Vec<usize> {
    let c = chunk().bytes();
    vec![0, 1, c - 1, c, c + 1, 2 * c, 3 * c + 5, 40 * c, 40 * c + 7]
}

#[test]
fn every_thread_count_seals_the_same_bytes() {
    let portable = ChunkCipher::with_backend(&[7u8; 32], CipherBackend::Portable).unwrap();
    for len in boundary_sizes() {
        let plain = content(len);
        let reference = seal_with(&portable, &plain, 1);
        assert_eq!(
            reference.len() as u64,
            crate::crypto::stream::sealed_payload_len(len as u64, chunk())
        );
        for cipher in every_backend() {
            for threads in THREADS {
                assert!(
                    seal_with(&cipher, &plain, threads) == reference,
                    "len {len}, {:?}, {threads} threads",
                    cipher.backend()
                );
            }
        }
    }
}

#[test]
fn every_thread_count_opens_what_any_sealed() {
    for len in boundary_sizes() {
        let plain = content(len);
        let sealed = seal(&plain, 3);
        for threads in THREADS {
            for expected in [None, Some(len as u64)] {
                let (result, delivered) = open(&sealed, expected, threads);
                assert_eq!(describe(&result), format!("ok {len}"));
                assert!(delivered == plain, "len {len}, {threads} threads");
            }
        }
    }
}

/// Damaged versions of a sealed payload, each with a name for failure messages.
pub(crate) fn damaged(sealed: &[u8]) -> Vec<(String, Vec<u8>)> {
    let s = chunk().bytes() + TAG_LEN;
    let chunks = sealed.len().div_ceil(s);
    let mut cases = Vec::new();
    for k in 0..=chunks {
        let at = (k * s).min(sealed.len());
        cases.push((format!("cut at boundary {k}"), sealed[..at].to_vec()));
        for inside in [1, TAG_LEN - 1, TAG_LEN, TAG_LEN + 1, s / 2] {
            if at + inside < sealed.len() {
                cases.push((
                    format!("cut {inside} into chunk {k}"),
                    sealed[..at + inside].to_vec(),
                ));
            }
        }
    }
    for k in 0..chunks {
        let mut flipped = sealed.to_vec();
        flipped[k * s + 3] ^= 0x10;
        cases.push((format!("bit flipped in chunk {k}"), flipped));
        let mut tag = sealed.to_vec();
        tag[((k + 1) * s).min(sealed.len()) - 1] ^= 1;
        cases.push((format!("tag flipped in chunk {k}"), tag));
    }
    for k in 0..chunks.saturating_sub(2) {
        let mut swapped = sealed.to_vec();
        let (a, b) = swapped.split_at_mut((k + 1) * s);
        a[k * s..].swap_with_slice(&mut b[..s]);
        cases.push((format!("chunks {k} and {} swapped", k + 1), swapped));
        let mut dropped = sealed[..k * s].to_vec();
        dropped.extend_from_slice(&sealed[(k + 1) * s..]);
        cases.push((format!("chunk {k} dropped"), dropped));
        let mut duplicated = sealed[..(k + 1) * s].to_vec();
        duplicated.extend_from_slice(&sealed[k * s..]);
        cases.push((format!("chunk {k} duplicated"), duplicated));
    }
    for extra in [1, 17, s, 3 * s + 2] {
        let mut appended = sealed.to_vec();
        appended.extend(std::iter::repeat_n(0xa5, extra));
        cases.push((format!("{extra} bytes appended"), appended));
    }
    let mut last_twice = sealed.to_vec();
    last_twice.extend_from_slice(&sealed[(chunks - 1) * s..]);
    cases.push(("final chunk repeated".into(), last_twice));
    cases
}

#[test]
fn every_thread_count_fails_the_same_way_and_delivers_only_verified_chunks() {
    let c = chunk().bytes();
    let portable = ChunkCipher::with_backend(&[7u8; 32], CipherBackend::Portable).unwrap();
    let backends = every_backend();
    for len in [0, c - 1, c, 2 * c, 5 * c + 9, 12 * c] {
        let plain = content(len);
        let sealed = seal(&plain, 1);
        for (name, bad) in damaged(&sealed) {
            for expected in [None, Some(len as u64)] {
                // The reference: the portable backend on the calling thread.
                let (reference, reference_delivered) = open_with(&portable, &bad, expected, 1);
                // Everything delivered is a whole number of verified chunks of the original.
                assert!(
                    plain.starts_with(&reference_delivered),
                    "{name}: delivered bytes that are not the plaintext"
                );
                if reference.is_err() {
                    assert_eq!(reference_delivered.len() % c, 0, "{name}");
                }
                for (cipher, threads) in backends.iter().flat_map(|c| THREADS.map(|t| (c, t))) {
                    let backend = cipher.backend();
                    let (result, delivered) = open_with(cipher, &bad, expected, threads);
                    assert_eq!(
                        describe(&result),
                        describe(&reference),
                        "{name}, len {len}, expected {expected:?}, {backend:?}, {threads} threads"
                    );
                    assert!(
                        delivered == reference_delivered,
                        "{name}, len {len}, {backend:?}, {threads} threads: delivered {} bytes, sequential {}",
                        delivered.len(),
                        reference_delivered.len()
                    );
                }
            }
        }
    }
}

#[test]
fn a_tampered_chunk_stops_delivery_right_before_it() {
    let c = chunk().bytes();
    let s = c + TAG_LEN;
    let plain = content(30 * c + 11);
    let sealed = seal(&plain, 1);
    for k in [0, 1, 7, 29, 30] {
        let mut bad = sealed.clone();
        let at = k * s + 100.min(bad.len() - k * s - 1);
        bad[at] ^= 0x80;
        for threads in THREADS {
            let (result, delivered) = open(&bad, Some(plain.len() as u64), threads);
            assert!(matches!(result, Err(Error::Tampered(_))), "chunk {k}");
            assert!(delivered == plain[..k * c], "chunk {k}, {threads} threads");
        }
    }
}

/// Gives `ok` bytes, then fails.
struct FailingReader<'a> {
    data: &'a [u8],
    ok: usize,
}

impl Read for FailingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.ok == 0 {
            return Err(std::io::Error::other("disk on fire"));
        }
        let n = buf.len().min(self.ok).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.ok -= n;
        Ok(n)
    }
}

#[test]
fn read_errors_surface_in_order() {
    let c = chunk().bytes();
    let s = c + TAG_LEN;
    let plain = content(6 * c);
    let sealed = seal(&plain, 1);
    let mut tampered = sealed.clone();
    tampered[2 * s + 5] ^= 1;
    for data in [&sealed, &tampered] {
        for ok in [0, 1, s, s + 1, 2 * s, 3 * s + 7, 5 * s] {
            let run = |threads| {
                let mut delivered = Vec::new();
                let result = open_payload(
                    &cipher(),
                    chunk(),
                    &mut FailingReader { data, ok },
                    None,
                    &Control::new(),
                    threads,
                    |plain| {
                        delivered.extend_from_slice(plain);
                        Ok(())
                    },
                );
                (describe(&result), delivered)
            };
            let reference = run(1);
            for threads in THREADS {
                assert!(
                    run(threads) == reference,
                    "fail after {ok}, {threads} threads"
                );
            }
        }
    }
}

#[test]
fn a_failing_sink_stops_the_pipeline() {
    let c = chunk().bytes();
    let plain = content(20 * c);
    let sealed = seal(&plain, 1);
    for threads in THREADS {
        let mut calls = 0;
        let result = open_payload(
            &cipher(),
            chunk(),
            &mut &sealed[..],
            None,
            &Control::new(),
            threads,
            |_| {
                calls += 1;
                if calls == 3 {
                    Err(Error::Tampered("padding is not zero"))
                } else {
                    Ok(())
                }
            },
        );
        assert!(matches!(
            result,
            Err(Error::Tampered("padding is not zero"))
        ));
        assert_eq!(calls, 3, "{threads} threads");
    }
}

#[test]
fn cancellation_and_progress_work_with_threads() {
    let c = chunk().bytes();
    let plain = content(9 * c + 3);
    for threads in THREADS {
        let cancelled = Control::new();
        cancelled.cancel();
        let mut out = Vec::new();
        let result = seal_payload(
            &cipher(),
            chunk(),
            &mut &plain[..],
            &mut out,
            None,
            &cancelled,
            threads,
        );
        assert!(matches!(result, Err(Error::Cancelled)));

        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let control = Control::new().with_progress(move |p| log.lock().unwrap().push(p.done));
        seal_payload(
            &cipher(),
            chunk(),
            &mut &plain[..],
            &mut out,
            Some(plain.len() as u64),
            &control,
            threads,
        )
        .unwrap();
        let seen = seen.lock().unwrap();
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        assert_eq!(seen.last(), Some(&(plain.len() as u64)));
    }
}

#[test]
fn cancelling_midway_stops_decryption() {
    let c = chunk().bytes();
    let plain = content(30 * c);
    let sealed = seal(&plain, 1);
    for threads in THREADS {
        let control = Control::new();
        let handle = control.clone();
        let mut chunks = 0;
        let result = open_payload(
            &cipher(),
            chunk(),
            &mut &sealed[..],
            None,
            &control,
            threads,
            |_| {
                chunks += 1;
                if chunks == 4 {
                    handle.cancel();
                }
                Ok(())
            },
        );
        assert!(matches!(result, Err(Error::Cancelled)), "{threads} threads");
        assert_eq!(chunks, 4, "{threads} threads");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn parallel_matches_sequential(len in 0usize..(6 << 16), threads in 2usize..9) {
        let plain = content(len);
        let reference = seal(&plain, 1);
        let sealed = seal(&plain, threads);
        prop_assert!(sealed == reference);
        let (result, delivered) = open(&sealed, None, threads);
        prop_assert_eq!(describe(&result), format!("ok {len}"));
        prop_assert!(delivered == plain);
    }
}

#[test]
fn an_empty_final_chunk_after_a_full_one_is_refused() {
    // §5: a full chunk sealed as a middle chunk, then an empty final chunk.
    // Same plaintext as one full final chunk, but not what a writer writes.
    let plain = content(chunk().bytes());
    let mut first = plain.clone();
    cipher().seal(0, false, &mut first);
    let mut last = Vec::new();
    cipher().seal(1, true, &mut last);
    let sealed = [first, last].concat();
    for threads in THREADS {
        for expected in [None, Some(plain.len() as u64)] {
            let (result, _) = open(&sealed, expected, threads);
            assert_eq!(
                describe(&result),
                "tampered: the sealed file is damaged or was tampered with \
                 (an empty final chunk follows a full chunk)",
                "{threads} threads, expected {expected:?}"
            );
        }
    }
    // An empty payload is one empty final chunk, and opens.
    let mut only = Vec::new();
    cipher().seal(0, true, &mut only);
    for threads in THREADS {
        assert_eq!(describe(&open(&only, Some(0), threads).0), "ok 0");
    }
}
