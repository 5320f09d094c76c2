//! Opening chunk by chunk on the caller's workers must be indistinguishable
//! from the one-thread path: the same plaintext, the same error and the same
//! verified prefix for every damaged input, whatever order the workers
//! finish in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;

use zeroize::Zeroizing;

use super::{ChunkOpener, ChunkParams, MAX_IN_FLIGHT_BYTES, PayloadChunks, SealedChunk};
use crate::control::Control;
use crate::crypto::pipeline::tests::{
    boundary_sizes, chunk, content, damaged, describe, open, seal,
};
use crate::{
    Decryptor, EncryptOptions, KdfCap, KdfParams, Keyring, MasterKey, Metadata, Passphrase, Result,
    encrypt,
};

const KEY: [u8; 32] = [7u8; 32];

fn payload(sealed: &[u8], expected: Option<u64>) -> PayloadChunks<&[u8]> {
    let params = ChunkParams {
        chunk_size: chunk(),
        payload_len: expected,
    };
    PayloadChunks::new(sealed, Zeroizing::new(KEY), params, 0, expected)
}

/// Opens `sealed` as the web app's job worker does: up to `window` chunks
/// handed out, opened by the workers in reverse order (as if the later ones
/// finished first), taken back in order; a read error surfaces once the
/// chunks before it were delivered. Returns the outcome and every byte
/// written.
/// With `spans`, the workers read the chunks themselves where
/// [`PayloadChunks::next_span`] says they lie.
fn open_chunked(
    sealed: &[u8],
    expected: Option<u64>,
    window: usize,
    spans: bool,
) -> (Result<u64>, Vec<u8>) {
    let control = Control::new();
    let mut chunks = payload(sealed, expected);
    let opener = ChunkOpener::new(&KEY, chunks.params());
    let mut written = Vec::new();
    let mut read_error = None;
    loop {
        let mut batch: Vec<SealedChunk> = Vec::new();
        while read_error.is_none() && batch.len() < window {
            let next = if spans {
                chunks.next_span(sealed.len() as u64, &control).map(|span| {
                    span.map(|span| {
                        let start = usize::try_from(span.offset).unwrap();
                        SealedChunk {
                            index: span.index,
                            last: span.last,
                            bytes: sealed[start..start + span.len].to_vec(),
                        }
                    })
                })
            } else {
                chunks.next_chunk(&control)
            };
            match next {
                Ok(Some(chunk)) => batch.push(chunk),
                Ok(None) => break,
                Err(e) => read_error = Some(e),
            }
        }
        if batch.is_empty() {
            break;
        }
        let mut opened: VecDeque<(u64, Result<Vec<u8>>)> = VecDeque::new();
        for mut chunk in batch.into_iter().rev() {
            let result = opener.open(chunk.index, chunk.last, &mut chunk.bytes);
            opened.push_front((chunk.index, result.map(|()| chunk.bytes)));
        }
        for (index, result) in opened {
            let plain = match result {
                Ok(plain) => plain,
                Err(e) => return (Err(e), written),
            };
            if let Err(e) = chunks.deliver(index, &plain, &mut written, &control) {
                return (Err(e), written);
            }
        }
    }
    if let Some(e) = read_error {
        return (Err(e), written);
    }
    let result = chunks.finish(&mut written).map(|s| s.bytes_out);
    (result, written)
}

#[test]
fn chunk_by_chunk_opens_what_was_sealed() {
    for len in boundary_sizes() {
        let plain = content(len);
        let sealed = seal(&plain, 1);
        for expected in [None, Some(len as u64)] {
            for (window, spans) in [(1, false), (2, true), (5, false), (5, true)] {
                let (result, written) = open_chunked(&sealed, expected, window, spans);
                assert_eq!(describe(&result), format!("ok {len}"), "len {len}");
                assert!(
                    written == plain,
                    "len {len}, window {window}, spans {spans}"
                );
            }
        }
    }
}

#[test]
fn chunk_by_chunk_fails_as_one_thread_does_and_writes_only_verified_chunks() {
    let c = chunk().bytes();
    for len in [0, c - 1, c, 2 * c, 5 * c + 9] {
        let plain = content(len);
        let sealed = seal(&plain, 1);
        for (name, bad) in damaged(&sealed) {
            for expected in [None, Some(len as u64)] {
                let (reference, reference_written) = open(&bad, expected, 1);
                for (window, spans) in [(1, false), (3, false), (8, false), (1, true), (3, true)] {
                    let (result, written) = open_chunked(&bad, expected, window, spans);
                    assert_eq!(
                        describe(&result),
                        describe(&reference),
                        "{name}, len {len}, expected {expected:?}, window {window}, spans {spans}"
                    );
                    assert!(
                        written == reference_written,
                        "{name}, len {len}, window {window}: wrote {} bytes, one thread {}",
                        written.len(),
                        reference_written.len()
                    );
                }
            }
        }
    }
}

#[test]
fn chunks_must_come_back_in_order_and_opened() {
    let c = chunk().bytes();
    let plain = content(3 * c + 5);
    let sealed = seal(&plain, 1);
    let control = Control::new();
    let opener = ChunkOpener::new(&KEY, payload(&sealed, None).params());
    let mut chunks = payload(&sealed, None);
    let mut first = chunks.next_chunk(&control).unwrap().unwrap();
    let mut second = chunks.next_chunk(&control).unwrap().unwrap();
    let mut out = Vec::new();
    // Still sealed: the length gives it away, nothing is written.
    let describe_unit = |r: Result<()>| describe(&r.map(|()| 0));
    assert_eq!(
        describe_unit(chunks.deliver(0, &first.bytes, &mut out, &control)),
        "io: internal error: a chunk came back out of order or altered"
    );
    opener.open(0, first.last, &mut first.bytes).unwrap();
    opener.open(1, second.last, &mut second.bytes).unwrap();
    // Out of order.
    assert!(
        chunks
            .deliver(1, &second.bytes, &mut out, &control)
            .is_err()
    );
    assert!(out.is_empty());
    chunks.deliver(0, &first.bytes, &mut out, &control).unwrap();
    chunks
        .deliver(1, &second.bytes, &mut out, &control)
        .unwrap();
    assert_eq!(out, plain[..2 * c]);
    // The final chunk was not delivered: no success.
    assert_eq!(
        describe(&chunks.finish(&mut out).map(|s| s.bytes_out)),
        "io: internal error: the payload ended before its final chunk"
    );
}

#[test]
fn spans_and_chunks_do_not_mix() {
    let c = chunk().bytes();
    let sealed = seal(&content(3 * c), 1);
    let control = Control::new();
    let mut chunks = payload(&sealed, None);
    chunks.next_chunk(&control).unwrap().unwrap();
    assert!(chunks.next_span(sealed.len() as u64, &control).is_err());
    let mut spans = payload(&sealed, None);
    spans
        .next_span(sealed.len() as u64, &control)
        .unwrap()
        .unwrap();
    assert!(spans.next_chunk(&control).is_err());
}

#[test]
fn chunks_in_flight_are_bounded() {
    let c = chunk().bytes();
    let fit = MAX_IN_FLIGHT_BYTES / (c + crate::TAG_LEN);
    let sealed = seal(&content((fit + 2) * c), 1);
    let control = Control::new();
    let mut chunks = payload(&sealed, None);
    let mut spans = payload(&sealed, None);
    for _ in 0..fit {
        chunks.next_chunk(&control).unwrap().unwrap();
        spans
            .next_span(sealed.len() as u64, &control)
            .unwrap()
            .unwrap();
    }
    assert!(chunks.next_chunk(&control).is_err());
    assert!(spans.next_span(sealed.len() as u64, &control).is_err());
}

#[test]
fn a_whole_sealed_file_opens_chunk_by_chunk_padding_cut_and_checked() {
    let params = KdfParams {
        memory_kib: 64,
        passes: 1,
        lanes: 1,
    };
    let pass = "chunk by chunk";
    let master = MasterKey::derive(&Passphrase::new(pass).unwrap(), params).unwrap();
    let plain = content(700_000);
    let mut metadata = Metadata::file("a.bin", Some(plain.len() as u64), None);
    metadata.padding_len = 300_000;
    let mut sealed = Vec::new();
    encrypt(
        &master,
        &metadata,
        &mut &plain[..],
        &mut sealed,
        &EncryptOptions::default(),
        &Control::new(),
    )
    .unwrap();
    let keyring = Keyring::new(Passphrase::new(pass).unwrap(), KdfCap::DEFAULT);
    let open_all = |sealed: &[u8]| -> Result<(Vec<u8>, crate::Summary)> {
        let control = Control::new();
        let mut chunks = Decryptor::new(sealed, &keyring)?.into_chunks();
        let opener = ChunkOpener::new(chunks.payload_key(), chunks.params());
        let mut out = Vec::new();
        while let Some(mut chunk) = chunks.next_chunk(&control)? {
            opener.open(chunk.index, chunk.last, &mut chunk.bytes)?;
            chunks.deliver(chunk.index, &chunk.bytes, &mut out, &control)?;
        }
        let summary = chunks.finish(&mut out)?;
        Ok((out, summary))
    };
    let (out, summary) = open_all(&sealed).unwrap();
    assert!(out == plain);
    // Read where the spans say, the header included in their offsets.
    let control = Control::new();
    let mut spans = Decryptor::new(&sealed[..], &keyring).unwrap().into_chunks();
    let opener = ChunkOpener::new(spans.payload_key(), spans.params());
    let mut by_span = Vec::new();
    while let Some(span) = spans.next_span(sealed.len() as u64, &control).unwrap() {
        let start = usize::try_from(span.offset).unwrap();
        let mut bytes = sealed[start..start + span.len].to_vec();
        opener.open(span.index, span.last, &mut bytes).unwrap();
        spans
            .deliver(span.index, &bytes, &mut by_span, &control)
            .unwrap();
    }
    assert_eq!(spans.finish(&mut by_span).unwrap(), summary);
    assert!(by_span == plain);
    let mut reference = Vec::new();
    let expected = Decryptor::new(&sealed[..], &keyring)
        .unwrap()
        .decrypt_to(&mut reference, &Control::new())
        .unwrap();
    assert_eq!(summary, expected);
    assert_eq!(summary.bytes_in, sealed.len() as u64);
}

#[test]
fn padding_is_cut_and_must_be_zero() {
    let c = chunk().bytes();
    let control = Control::new();
    let opener = ChunkOpener::new(&KEY, payload(&[], None).params());
    for (padding, ok) in [(vec![0u8; c + 3], true), (vec![0, 0, 1], false)] {
        let mut plain = content(2 * c + 1);
        let content_len = plain.len() as u64;
        plain.extend_from_slice(&padding);
        let sealed = seal(&plain, 1);
        let params = ChunkParams {
            chunk_size: chunk(),
            payload_len: Some(plain.len() as u64),
        };
        let mut chunks = PayloadChunks::new(
            &sealed[..],
            Zeroizing::new(KEY),
            params,
            0,
            Some(content_len),
        );
        let mut out = Vec::new();
        let result = (|| {
            while let Some(mut chunk) = chunks.next_chunk(&control)? {
                opener.open(chunk.index, chunk.last, &mut chunk.bytes)?;
                chunks.deliver(chunk.index, &chunk.bytes, &mut out, &control)?;
            }
            Ok(0)
        })();
        if ok {
            assert_eq!(describe(&result), "ok 0");
            assert!(out == plain[..content_len as usize]);
        } else {
            assert_eq!(
                describe(&result),
                "tampered: the sealed file is damaged or was tampered with (padding is not zero)"
            );
        }
    }
}
