//! The payload opened chunk by chunk on workers the caller runs itself
//! (FORMAT.md §5), for callers whose workers share no memory: the web app's
//! Web Workers, each its own WebAssembly instance (docs/WEB.md).
//!
//! The split is the one `pipeline.rs` makes on threads, with every format
//! rule still here: [`PayloadChunks`] reads the sealed chunks, or says where
//! they lie for workers that read them themselves, and says which one is
//! final (a full chunk is final only if nothing follows it), a
//! [`ChunkOpener`] on each worker verifies and decrypts whole chunks with the
//! same code and the same diagnosis as the one-thread path
//! ([`crate::crypto::stream::open_chunk`]), and [`PayloadChunks::deliver`]
//! takes the verified plaintext back strictly in order, cuts the padding
//! (which must be zero, §4.2) and writes the content. [`PayloadChunks::finish`]
//! succeeds only once the final chunk was delivered and the length is the
//! metadata's: the same errors as [`crate::Decryptor::decrypt_to_with`] for
//! the same input.

use std::collections::VecDeque;
use std::io::{Read, Write};

use zeroize::Zeroizing;

use crate::control::Control;
use crate::crypto::cipher::{ChunkCipher, CipherBackend};
use crate::crypto::stream::{ChunkSize, Content, TAG_LEN, checked_length, fill, open_chunk};
use crate::{Error, Result, Summary};

/// The most sealed bytes handed out and not yet delivered (whole chunks):
/// the caller's window of chunks in flight must stay within it, so memory
/// stays bounded (as the threaded pipeline's buffers, `pipeline.rs`).
pub const MAX_IN_FLIGHT_BYTES: usize = 32 << 20;

/// What a worker needs besides the payload key to open the chunks of one
/// payload: plain numbers, to send to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkParams {
    /// The payload's chunk size (§2.2).
    pub chunk_size: ChunkSize,
    /// The payload's plaintext length (content and padding) when the metadata
    /// says it (§4.2): it tells a truncated file from a tampered one.
    pub payload_len: Option<u64>,
}

/// One sealed chunk, to open on a worker: ciphertext ‖ tag.
#[derive(Debug)]
pub struct SealedChunk {
    /// Its position in the payload (the STREAM counter).
    pub index: u64,
    /// Whether it is the final chunk (the nonce's last flag).
    pub last: bool,
    /// The sealed bytes.
    pub bytes: Vec<u8>,
}

/// Where one sealed chunk lies, for a worker that reads it itself
/// ([`PayloadChunks::next_span`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkSpan {
    /// Its position in the payload (the STREAM counter).
    pub index: u64,
    /// Whether it is the final chunk (the nonce's last flag).
    pub last: bool,
    /// Where it starts in the sealed stream (the header included).
    pub offset: u64,
    /// Its sealed length (ciphertext ‖ tag).
    pub len: usize,
}

/// Verifies and decrypts whole chunks of one payload, on a worker.
pub struct ChunkOpener {
    cipher: ChunkCipher,
    params: ChunkParams,
}

impl ChunkOpener {
    /// The opener for the payload key a [`PayloadChunks`] handed out.
    pub fn new(payload_key: &[u8; 32], params: ChunkParams) -> Self {
        ChunkOpener {
            cipher: ChunkCipher::new(payload_key, CipherBackend::current()),
            params,
        }
    }

    /// Verifies and decrypts `buf` (a [`SealedChunk`]'s bytes) in place,
    /// leaving the plaintext; on failure the error says why (truncated,
    /// appended data, a chunk that does not authenticate), as the one-thread
    /// path would for the same chunk.
    pub fn open(&self, index: u64, last: bool, buf: &mut Vec<u8>) -> Result<()> {
        open_chunk(
            &self.cipher,
            self.params.chunk_size,
            self.params.payload_len,
            index,
            last,
            buf,
        )
    }
}

/// An authenticated sealed stream's payload, handed out chunk by chunk to
/// the caller's workers and taken back in order ([`crate::Decryptor::into_chunks`]).
pub struct PayloadChunks<R> {
    input: R,
    key: Zeroizing<[u8; 32]>,
    params: ChunkParams,
    header_len: u64,
    content: Content,
    /// The next chunk read but not yet handed out (to know whether the one
    /// before it is final).
    ahead: Option<Vec<u8>>,
    /// The final chunk was handed out.
    finished: bool,
    /// Chunks are handed out as spans (the workers read them), not read here.
    spans: bool,
    next_index: u64,
    /// Chunks handed out and not yet delivered: (index, sealed length).
    in_flight: VecDeque<(u64, usize)>,
    /// Plaintext bytes delivered (content and padding).
    plaintext: u64,
}

impl<R: Read> PayloadChunks<R> {
    pub(crate) fn new(
        input: R,
        key: Zeroizing<[u8; 32]>,
        params: ChunkParams,
        header_len: u64,
        content_len: Option<u64>,
    ) -> Self {
        PayloadChunks {
            input,
            key,
            params,
            header_len,
            content: Content::new(content_len),
            ahead: None,
            finished: false,
            spans: false,
            next_index: 0,
            in_flight: VecDeque::new(),
            plaintext: 0,
        }
    }

    /// The payload key, to hand to the workers' [`ChunkOpener`]s. Wiped when
    /// this is dropped; copies the caller makes are the caller's to wipe.
    pub fn payload_key(&self) -> &[u8; 32] {
        &self.key
    }

    /// What the workers' [`ChunkOpener`]s need besides the key.
    pub fn params(&self) -> ChunkParams {
        self.params
    }

    /// The next sealed chunk, or `None` once the final one was handed out.
    /// Refuses to run more than [`MAX_IN_FLIGHT_BYTES`] ahead of
    /// [`PayloadChunks::deliver`].
    pub fn next_chunk(&mut self, control: &Control) -> Result<Option<SealedChunk>> {
        if self.finished {
            return Ok(None);
        }
        control.check()?;
        self.check_in_flight()?;
        if self.spans {
            return Err(internal("chunks are handed out as spans"));
        }
        let sealed = self.params.chunk_size.bytes() + TAG_LEN;
        let bytes = match self.ahead.take() {
            Some(buf) => buf,
            None => {
                let mut buf = Vec::new();
                fill(&mut self.input, &mut buf, sealed)?;
                buf
            }
        };
        // §5: a full chunk is the final one only if nothing follows it.
        let last = if bytes.len() < sealed {
            true
        } else {
            let mut next = Vec::new();
            fill(&mut self.input, &mut next, sealed)?;
            let last = next.is_empty();
            if !last {
                self.ahead = Some(next);
            }
            last
        };
        let index = self.next_index;
        self.next_index = index
            .checked_add(1)
            .ok_or(Error::Tampered("too many chunks"))?;
        self.finished = last;
        self.in_flight.push_back((index, bytes.len()));
        Ok(Some(SealedChunk { index, last, bytes }))
    }

    /// Where the next sealed chunk lies, or `None` once the final one was
    /// handed out: for workers that read the chunks themselves from storage
    /// they can read anywhere (a picked file), which is `sealed_len` bytes
    /// long, header included. Nothing more is read here. The chunks and
    /// their last flags are the ones [`PayloadChunks::next_chunk`] would give
    /// for the same bytes (a full chunk is final only if nothing follows
    /// it); a worker that reads fewer bytes than a span's length must fail.
    /// Use one or the other for a payload, not both.
    pub fn next_span(&mut self, sealed_len: u64, control: &Control) -> Result<Option<ChunkSpan>> {
        if self.finished {
            return Ok(None);
        }
        control.check()?;
        if self.next_index > 0 && !self.spans {
            return Err(internal("chunks are handed out as bytes"));
        }
        self.spans = true;
        self.check_in_flight()?;
        let sealed = (self.params.chunk_size.bytes() + TAG_LEN) as u64;
        let index = self.next_index;
        let start = index
            .checked_mul(sealed)
            .ok_or(Error::Tampered("too many chunks"))?;
        let left = sealed_len
            .saturating_sub(self.header_len)
            .saturating_sub(start);
        let len = left.min(sealed);
        // §5: the final chunk is the short one, or the full one that ends the
        // stream (and a payload of no bytes at all is one empty final chunk,
        // which then fails to open).
        let last = left <= sealed;
        self.next_index = index
            .checked_add(1)
            .ok_or(Error::Tampered("too many chunks"))?;
        self.finished = last;
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        self.in_flight.push_back((index, len));
        Ok(Some(ChunkSpan {
            index,
            last,
            offset: self.header_len + start,
            len,
        }))
    }

    /// Room for one more chunk in flight?
    fn check_in_flight(&self) -> Result<()> {
        let sealed = self.params.chunk_size.bytes() + TAG_LEN;
        let in_flight: usize = self.in_flight.iter().map(|&(_, len)| len).sum();
        if in_flight + sealed > MAX_IN_FLIGHT_BYTES {
            return Err(internal("too many chunks in flight"));
        }
        Ok(())
    }

    /// Takes back chunk `index`, which a [`ChunkOpener`] verified and
    /// decrypted, and writes its content to `output`. Chunks must come back
    /// in the order they were handed out; anything else (a chunk out of
    /// order, or of the wrong length: not what an opener makes of it) is
    /// refused before a byte of it is written.
    pub fn deliver(
        &mut self,
        index: u64,
        plain: &[u8],
        output: &mut impl Write,
        control: &Control,
    ) -> Result<()> {
        match self.in_flight.front() {
            Some(&(expected, sealed)) if expected == index && sealed == plain.len() + TAG_LEN => {}
            _ => return Err(internal("a chunk came back out of order or altered")),
        }
        self.in_flight.pop_front();
        let keep = self.content.keep(plain)?;
        output.write_all(keep)?;
        self.plaintext += plain.len() as u64;
        control.report(self.plaintext, self.params.payload_len);
        Ok(())
    }

    /// Ends the payload: only once the final chunk was delivered and the
    /// plaintext has the metadata's length.
    pub fn finish(self, output: &mut impl Write) -> Result<Summary> {
        if !self.finished || !self.in_flight.is_empty() {
            return Err(internal("the payload ended before its final chunk"));
        }
        checked_length(self.plaintext, self.params.payload_len)?;
        output.flush()?;
        Ok(Summary {
            bytes_in: self.header_len
                + crate::crypto::stream::sealed_payload_len(self.plaintext, self.params.chunk_size),
            bytes_out: self.content.written(),
        })
    }
}

fn internal(what: &str) -> Error {
    Error::Io(std::io::Error::other(format!("internal error: {what}")))
}

#[cfg(test)]
#[path = "chunked/tests.rs"]
mod tests;
