//! The payload: a STREAM of ChaCha20-Poly1305 chunks (FORMAT.md §5).
//!
//! Chunk `i` is sealed under the file's payload key with the nonce
//! `i` (11 bytes, big-endian) ‖ `last` (1 byte: 0x01 for the final chunk, else 0x00).
//! Every chunk but the final one carries exactly `chunk_size` plaintext bytes.

use std::io::{Read, Write};

use crate::control::Control;
pub(crate) use crate::crypto::cipher::ChunkCipher;
use crate::crypto::format::read_up_to;
use crate::{Error, Result};

/// §5: the Poly1305 tag appended to every chunk.
pub const TAG_LEN: usize = 16;

/// A payload chunk size: a power of two from 64 KiB to 1 MiB (§2.2, §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkSize(u8);

impl ChunkSize {
    /// Smallest allowed: 64 KiB (age's chunk size).
    pub const MIN_LOG2: u8 = 16;
    /// Largest allowed: 1 MiB.
    pub const MAX_LOG2: u8 = 20;
    /// What new files use (§5 explains the choice).
    pub const DEFAULT: ChunkSize = ChunkSize(18);

    /// The chunk size `2^log2`, if allowed.
    pub fn from_log2(log2: u8) -> Option<Self> {
        (Self::MIN_LOG2..=Self::MAX_LOG2)
            .contains(&log2)
            .then_some(ChunkSize(log2))
    }

    /// The exponent as stored in the header.
    pub fn log2(self) -> u8 {
        self.0
    }

    /// Plaintext bytes per chunk.
    pub fn bytes(self) -> usize {
        1 << self.0
    }
}

impl Default for ChunkSize {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The payload threads actually used: without the `threads` feature (the web
/// build: wasm32-unknown-unknown cannot spawn threads) every count runs on
/// the calling thread. The bytes are the same either way.
fn usable_threads(threads: usize) -> usize {
    if cfg!(feature = "threads") {
        threads
    } else {
        1
    }
}

/// Reads the plaintext, seals it chunk by chunk and writes the chunks, on
/// `threads` worker threads (0 or 1: on the calling thread alone). Every thread
/// count writes the same bytes. Returns (plaintext bytes read, ciphertext bytes written).
pub(crate) fn seal_payload(
    cipher: &ChunkCipher,
    chunk_size: ChunkSize,
    input: &mut impl Read,
    output: &mut impl Write,
    total: Option<u64>,
    control: &Control,
    threads: usize,
) -> Result<(u64, u64)> {
    let threads = usable_threads(threads);
    if threads <= 1 {
        return seal_sequential(cipher, chunk_size, input, output, total, control);
    }
    let size = chunk_size.bytes();
    let (mut read, mut written) = (0u64, 0u64);
    crate::crypto::pipeline::run(
        threads,
        size,
        size + TAG_LEN,
        input,
        control,
        &|index, last, buf| {
            cipher.seal(index, last, buf);
            Ok(())
        },
        &mut |sealed| {
            output.write_all(sealed)?;
            read += (sealed.len() - TAG_LEN) as u64;
            written += sealed.len() as u64;
            control.report(read.min(total.unwrap_or(u64::MAX)), total);
            Ok(())
        },
    )?;
    output.flush()?;
    Ok((read, written))
}

fn seal_sequential(
    cipher: &ChunkCipher,
    chunk_size: ChunkSize,
    input: &mut impl Read,
    output: &mut impl Write,
    total: Option<u64>,
    control: &Control,
) -> Result<(u64, u64)> {
    let size = chunk_size.bytes();
    let mut current = Vec::with_capacity(size + TAG_LEN);
    let mut next = Vec::with_capacity(size + TAG_LEN);
    fill(input, &mut current, size)?;
    let (mut read, mut written) = (current.len() as u64, 0u64);
    let mut index = 0u64;
    loop {
        control.check()?;
        // A full chunk is the final one only if nothing follows it: look ahead.
        let last = if current.len() < size {
            true
        } else {
            fill(input, &mut next, size)?;
            read += next.len() as u64;
            next.is_empty()
        };
        cipher.seal(index, last, &mut current);
        output.write_all(&current)?;
        written += current.len() as u64;
        control.report(read.min(total.unwrap_or(u64::MAX)), total);
        if last {
            break;
        }
        std::mem::swap(&mut current, &mut next);
        index = index
            .checked_add(1)
            .ok_or(Error::Tampered("too many chunks"))?;
    }
    output.flush()?;
    Ok((read, written))
}

/// Reads, verifies and decrypts the chunks on `threads` worker threads (0 or 1:
/// on the calling thread alone); hands each verified plaintext chunk to `sink`
/// in order. Nothing reaches `sink` before it and every chunk before it
/// authenticated, and every thread count reports the same error for the same input.
/// `expected_len`, when known from the metadata, tells truncation from tampering
/// even when the cut falls inside a chunk.
pub(crate) fn open_payload(
    cipher: &ChunkCipher,
    chunk_size: ChunkSize,
    input: &mut impl Read,
    expected_len: Option<u64>,
    control: &Control,
    threads: usize,
    mut sink: impl FnMut(&[u8]) -> Result<()>,
) -> Result<u64> {
    let threads = usable_threads(threads);
    if threads <= 1 {
        return open_sequential(cipher, chunk_size, input, expected_len, control, sink);
    }
    let sealed = chunk_size.bytes() + TAG_LEN;
    let mut plaintext = 0u64;
    crate::crypto::pipeline::run(
        threads,
        sealed,
        sealed,
        input,
        control,
        &|index, last, buf| open_chunk(cipher, chunk_size, expected_len, index, last, buf),
        &mut |plain| {
            plaintext += plain.len() as u64;
            sink(plain)?;
            control.report(plaintext, expected_len);
            Ok(())
        },
    )?;
    checked_length(plaintext, expected_len)
}

fn open_sequential(
    cipher: &ChunkCipher,
    chunk_size: ChunkSize,
    input: &mut impl Read,
    expected_len: Option<u64>,
    control: &Control,
    mut sink: impl FnMut(&[u8]) -> Result<()>,
) -> Result<u64> {
    let sealed = chunk_size.bytes() + TAG_LEN;
    let mut current = Vec::with_capacity(sealed);
    let mut next = Vec::with_capacity(sealed);
    fill(input, &mut current, sealed)?;
    let mut plaintext = 0u64;
    let mut index = 0u64;
    loop {
        control.check()?;
        let more = if current.len() == sealed {
            fill(input, &mut next, sealed)?;
            !next.is_empty()
        } else {
            false
        };
        open_chunk(cipher, chunk_size, expected_len, index, !more, &mut current)?;
        plaintext += current.len() as u64;
        sink(&current)?;
        control.report(plaintext, expected_len);
        if !more {
            break;
        }
        std::mem::swap(&mut current, &mut next);
        index = index
            .checked_add(1)
            .ok_or(Error::Tampered("too many chunks"))?;
    }
    checked_length(plaintext, expected_len)
}

/// Verifies and decrypts chunk `index` (`buf`: ciphertext ‖ tag) in place;
/// on failure, works out why. Every path that opens chunks — one thread, the
/// threaded pipeline, the caller's own workers (`chunked.rs`) — opens them
/// here, so each gives the same error for the same input.
pub(crate) fn open_chunk(
    cipher: &ChunkCipher,
    chunk_size: ChunkSize,
    expected_len: Option<u64>,
    index: u64,
    last: bool,
    buf: &mut Vec<u8>,
) -> Result<()> {
    if buf.len() < TAG_LEN {
        return Err(Error::Truncated);
    }
    if cipher.open(index, last, buf) {
        return empty_final_chunk(index, last, buf);
    }
    // Every chunk before this one verified as a middle chunk, so each was full.
    let done = index.saturating_mul(chunk_size.bytes() as u64);
    Err(diagnose(
        cipher,
        index,
        !last,
        buf,
        done,
        chunk_size,
        expected_len,
    ))
}

/// The content in the verified plaintext, chunk after chunk (FORMAT.md
/// §4.2): the content's bytes first, then padding, which must be zero.
pub(crate) struct Content {
    len: Option<u64>,
    written: u64,
}

impl Content {
    pub(crate) fn new(len: Option<u64>) -> Self {
        Content { len, written: 0 }
    }

    /// The content in the next verified chunk `plain`, once what follows it
    /// (padding) is checked to be zero.
    pub(crate) fn keep<'a>(&mut self, plain: &'a [u8]) -> Result<&'a [u8]> {
        let keep = match self.len {
            Some(len) => plain
                .len()
                .min(usize::try_from(len.saturating_sub(self.written)).unwrap_or(usize::MAX)),
            None => plain.len(),
        };
        if plain[keep..].iter().any(|&b| b != 0) {
            return Err(Error::Tampered("padding is not zero"));
        }
        self.written += keep as u64;
        Ok(&plain[..keep])
    }

    /// Content bytes so far.
    pub(crate) fn written(&self) -> u64 {
        self.written
    }
}

/// §5: a final chunk may be empty only when it is the only chunk (an empty
/// payload). A writer never ends a payload with an empty chunk after a full
/// one, so a reader that met one would accept a second encoding of the same
/// plaintext: refuse it.
fn empty_final_chunk(index: u64, last: bool, plain: &[u8]) -> Result<()> {
    if last && index > 0 && plain.is_empty() {
        return Err(Error::Tampered("an empty final chunk follows a full chunk"));
    }
    Ok(())
}

/// The plaintext length, once every chunk verified: it must be what the
/// metadata announced (FORMAT.md §4.2), when it announced one.
pub(crate) fn checked_length(plaintext: u64, expected_len: Option<u64>) -> Result<u64> {
    match expected_len {
        Some(expected) if plaintext != expected => {
            Err(Error::Tampered("payload length differs from the metadata"))
        }
        _ => Ok(plaintext),
    }
}

/// A chunk failed to open: work out why, for a precise message.
fn diagnose(
    cipher: &ChunkCipher,
    index: u64,
    more: bool,
    chunk: &mut Vec<u8>,
    done: u64,
    chunk_size: ChunkSize,
    expected_len: Option<u64>,
) -> Error {
    // The input ended earlier than the metadata says it should.
    let available = done + chunk.len().saturating_sub(TAG_LEN) as u64;
    if !more && expected_len.is_some_and(|n| available < n) {
        return Error::Truncated;
    }
    if cipher.open(index, more, chunk) {
        return if more {
            // A genuine final chunk with data after it.
            Error::Tampered("data was appended after the final chunk")
        } else {
            // A genuine middle chunk where the input ended.
            Error::Truncated
        };
    }
    if !more && chunk.len() < chunk_size.bytes() + TAG_LEN && expected_len.is_none() {
        return Error::Tampered("the last chunk does not authenticate (damaged or cut short)");
    }
    Error::Tampered("a chunk does not authenticate")
}

/// Reads up to `len` bytes into `buf`, replacing its contents. A recycled buffer
/// is not zeroed first: `read` overwrites it and what was not read is cut off.
pub(crate) fn fill(input: &mut impl Read, buf: &mut Vec<u8>, len: usize) -> Result<()> {
    buf.resize(len, 0);
    let got = read_up_to(input, buf)?;
    buf.truncate(got);
    Ok(())
}

/// Ciphertext length of a payload of `plaintext_len` bytes.
pub fn sealed_payload_len(plaintext_len: u64, chunk_size: ChunkSize) -> u64 {
    let size = chunk_size.bytes() as u64;
    let chunks = if plaintext_len == 0 {
        1
    } else {
        plaintext_len.div_ceil(size)
    };
    plaintext_len + chunks * TAG_LEN as u64
}
