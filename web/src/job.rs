//! Opening files a step at a time, so that the page's worker can hand a
//! payload's chunks to helper Web Workers on other cores between the steps
//! and wait for them (docs/WEB.md, "Opening on every core").
//!
//! Web Workers share no memory here (that would need cross-origin isolation,
//! which static hosts cannot turn on), so the worker cannot wait inside a
//! call into WebAssembly for a helper: it returns to JavaScript, which
//! passes the chunks on. Every format rule stays in the core:
//! [`OpenJob::next_chunk`] says where a run of a sealed file's chunks lies
//! (or reads one chunk of split parts or armor) and which chunk is final, a
//! helper's [`ChunkWorker`] reads the run from the file and verifies and
//! decrypts whole chunks ([`tgseal_core::ChunkOpener`]), and
//! [`OpenJob::deliver`] takes their plaintext back strictly in order and
//! writes it to the staging area ([`tgseal_core::PayloadChunks`]). The
//! JavaScript only keeps a bounded window in flight and puts the replies
//! back in order.
//!
//! The payload key goes to the helpers as a `Uint8Array`. Rust keeps its
//! copies in zeroizing containers; the arrays handed to JavaScript are
//! wiped by the code that reads them ([`ChunkWorker::new`] and worker.js).
//! What cannot be wiped is listed in docs/WEB.md.

use std::io::Read;

use js_sys::{Array, Function, Uint8Array};
use tgseal_core::{
    ChunkOpener, ChunkParams, ChunkSize, Control, KdfCap, Keyring, PayloadChunks, TAG_LEN,
};
use wasm_bindgen::prelude::*;
use web_sys::{Blob, FileReaderSync, MessagePort};
use zeroize::Zeroizing;

use crate::io::{self, Sink, SinkWriter};
use crate::open::{self, Begun, Opened, Sealed};
use crate::outputs::Output;
use crate::words::failure;
use crate::{
    check_staging, control, files_of, key_detail, object, outputs_value, passphrase, report,
    thrown, with_progress,
};

/// Inputs smaller than this open in the page's worker alone: starting the
/// helpers costs more than they save.
pub const HELPERS_FROM_BYTES: u64 = 1 << 20;

/// About this much of a sealed file goes to a helper at a time.
const RUN_BYTES: usize = 4 << 20;

/// The payload being opened on the helpers.
struct Chunked {
    chunks: PayloadChunks<Box<dyn Read>>,
    /// A sealed file's size: its chunks are handed out as spans, which the
    /// helpers read from the file themselves (reading is most of the
    /// worker's time otherwise). None: parts and armor, read here.
    spans: Option<u64>,
    name: String,
    start: u64,
    control: Control,
    /// Where a delivered chunk is copied into WebAssembly memory (reused).
    buf: Vec<u8>,
}

/// One open job: the picked files, in the order the page asks for them.
#[wasm_bindgen]
pub struct OpenJob {
    inputs: Vec<Sealed>,
    next: usize,
    keyring: Keyring,
    writer: SinkWriter,
    progress: Function,
    outputs: Vec<Output>,
    texts: Array,
    chunked: Option<Chunked>,
}

#[wasm_bindgen]
impl OpenJob {
    /// Groups the picked `files` — sealed files, armored text files, split
    /// parts in any order — and checks that the staging area can hold them.
    /// Throws `{kind, message}` (as every method here does); then the
    /// staging area holds nothing to offer and the page discards it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        files: Array,
        passphrase_text: String,
        lift_kdf_cap: bool,
        on_disk: bool,
        sink: &Sink,
        progress: Function,
    ) -> Result<OpenJob, JsValue> {
        let pass = passphrase(passphrase_text)?;
        let files = files_of(&files)?;
        let inputs = open::group(&files).map_err(|e| thrown(failure(&e, true)))?;
        check_staging(on_disk, inputs.iter().map(Sealed::size).sum())?;
        Ok(OpenJob {
            inputs,
            next: 0,
            keyring: Keyring::new(pass, KdfCap::lifted_if(lift_kdf_cap)),
            writer: SinkWriter::new(sink),
            progress,
            outputs: Vec::new(),
            texts: Array::new(),
            chunked: None,
        })
    }

    /// Opens the next input's header (Argon2id, the passphrase, the header
    /// MAC). A text message, or a file when `helpers` is false or the file
    /// is small, is opened whole right here; returns `{chunked: false}`
    /// then. A larger file's payload is left for the helpers: returns
    /// `{chunked: true, key, chunkLog2, payloadLen}` (`key`: the payload key,
    /// for [`ChunkWorker::new`], to wipe once handed on; `payloadLen`: a
    /// BigInt, or undefined). `null` when no input is left.
    pub fn next_input(&mut self, helpers: bool) -> Result<JsValue, JsValue> {
        if self.chunked.is_some() {
            return Err(thrown(failure(&internal("a payload is still open"), true)));
        }
        let Some(input) = self.inputs.get(self.next) else {
            return Ok(JsValue::NULL);
        };
        let (index, count) = (self.next, self.inputs.len());
        self.next += 1;
        let control = control(index, count);
        let on_key = || {
            let params = input.reader_header().map(|info| info.kdf);
            let detail = params.as_ref().map(key_detail).unwrap_or_default();
            report("key", 0.0, f64::NAN, index, count, &detail);
        };
        let (keyring, writer) = (&self.keyring, &mut self.writer);
        let chunked = with_progress(
            &self.progress,
            || -> Result<Result<Chunked, Opened>, JsValue> {
                let fail = |e: tgseal_core::Error| thrown(failure(&e, true));
                match open::begin(input, keyring, &control, on_key).map_err(fail)? {
                    Begun::Text(text) => Ok(Err(Opened::Text(text))),
                    Begun::File { name, decryptor } => {
                        if !helpers || input.size() < HELPERS_FROM_BYTES {
                            let output = open::payload_here(name, decryptor, writer, &control)
                                .map_err(fail)?;
                            return Ok(Err(Opened::Staged(output)));
                        }
                        let spans = match input {
                            Sealed::Binary(file) => Some(file.size() as u64),
                            _ => None,
                        };
                        Ok(Ok(Chunked {
                            chunks: decryptor.into_chunks(),
                            spans,
                            name,
                            start: writer.position(),
                            control,
                            buf: Vec::new(),
                        }))
                    }
                }
            },
        )?;
        match chunked {
            Err(Opened::Text(text)) => {
                self.texts.push(&text.into());
                Ok(object(&[("chunked", false.into())]))
            }
            Err(Opened::Staged(output)) => {
                self.outputs.push(output);
                Ok(object(&[("chunked", false.into())]))
            }
            Ok(chunked) => {
                let key = Uint8Array::new_with_length(32);
                key.copy_from(chunked.chunks.payload_key());
                let params = chunked.chunks.params();
                let payload_len = params.payload_len.map_or(JsValue::UNDEFINED, JsValue::from);
                let file = match (&self.inputs[index], chunked.spans) {
                    (Sealed::Binary(file), Some(_)) => file.clone().into(),
                    _ => JsValue::NULL,
                };
                self.chunked = Some(chunked);
                Ok(object(&[
                    ("chunked", true.into()),
                    ("file", file),
                    ("key", key.into()),
                    ("chunkLog2", params.chunk_size.log2().into()),
                    ("payloadLen", payload_len),
                ]))
            }
        }
    }

    /// The next chunks of the open payload, or `null` once the final chunk
    /// was handed out: `{index, count, last, start, len}`, a run of `count`
    /// consecutive chunks from `index` on that the helpers read from the
    /// plan's `file` themselves (`len` bytes from `start`; `last`: the run
    /// ends with the final chunk), else one chunk, `{index, count: 1, last,
    /// bytes}` (`bytes` a fresh array, to transfer).
    pub fn next_chunk(&mut self) -> Result<JsValue, JsValue> {
        let progress = self.progress.clone();
        let chunked = self.open_payload()?;
        let fail = |e| thrown(failure(&tgseal_core::lift(e), true));
        if let Some(size) = chunked.spans {
            // About 4 MiB of consecutive chunks per run: one read and one
            // message for several chunks (each costs more than the bytes).
            let most = (RUN_BYTES / chunked.chunks.params().chunk_size.bytes()).max(1);
            let Some(first) = chunked
                .chunks
                .next_span(size, &chunked.control)
                .map_err(fail)?
            else {
                return Ok(JsValue::NULL);
            };
            let (mut count, mut len, mut last) = (1u32, first.len, first.last);
            while !last && (count as usize) < most {
                let Some(span) = chunked
                    .chunks
                    .next_span(size, &chunked.control)
                    .map_err(fail)?
                else {
                    break;
                };
                count += 1;
                len += span.len;
                last = span.last;
            }
            return Ok(object(&[
                ("index", (first.index as f64).into()),
                ("count", count.into()),
                ("last", last.into()),
                ("start", (first.offset as f64).into()),
                ("len", (len as f64).into()),
            ]));
        }
        let chunk = with_progress(&progress, || chunked.chunks.next_chunk(&chunked.control))
            .map_err(fail)?;
        Ok(match chunk {
            None => JsValue::NULL,
            Some(chunk) => object(&[
                ("index", (chunk.index as f64).into()),
                ("count", 1.into()),
                ("last", chunk.last.into()),
                ("bytes", Uint8Array::from(&chunk.bytes[..]).into()),
            ]),
        })
    }

    /// Takes back the `count` chunks from `index` on, verified and
    /// decrypted by a helper (`plain`: their plaintexts one after the
    /// other), and writes their content to the staging area. Chunks must
    /// come back in the order they were handed out.
    pub fn deliver(&mut self, index: f64, count: u32, plain: &Uint8Array) -> Result<(), JsValue> {
        let progress = self.progress.clone();
        let writer = &mut self.writer;
        let chunked = self
            .chunked
            .as_mut()
            .ok_or_else(|| thrown(failure(&internal("no payload is open"), true)))?;
        chunked.buf.resize(plain.length() as usize, 0);
        plain.copy_to(&mut chunked.buf);
        let size = chunked.chunks.params().chunk_size.bytes();
        with_progress(&progress, || {
            // Every chunk but the run's last is full; `deliver` checks each
            // length against the chunk handed out.
            let mut rest = &chunked.buf[..];
            for k in 0..count {
                let take = if k + 1 == count {
                    rest.len()
                } else {
                    size.min(rest.len())
                };
                let (piece, after) = rest.split_at(take);
                chunked.chunks.deliver(
                    index as u64 + u64::from(k),
                    piece,
                    writer,
                    &chunked.control,
                )?;
                rest = after;
            }
            Ok(())
        })
        .map_err(|e| thrown(failure(&e, true)))
    }

    /// Ends the open payload: succeeds only once its final chunk was
    /// delivered and its length is the metadata's.
    pub fn end_payload(&mut self) -> Result<(), JsValue> {
        let chunked = self
            .chunked
            .take()
            .ok_or_else(|| thrown(failure(&internal("no payload is open"), true)))?;
        chunked
            .chunks
            .finish(&mut self.writer)
            .map_err(|e| thrown(failure(&e, true)))?;
        self.outputs.push(Output {
            name: chunked.name,
            start: chunked.start,
            len: self.writer.position() - chunked.start,
        });
        Ok(())
    }

    /// What the job gave, once every input is open: `{ outputs: [{name,
    /// start, len}], texts: [string] }`: the files to offer (ranges of the
    /// staging area) and the text messages to show.
    pub fn result(&self) -> Result<JsValue, JsValue> {
        if self.chunked.is_some() || self.next < self.inputs.len() {
            return Err(thrown(failure(&internal("the job is not finished"), true)));
        }
        Ok(object(&[
            ("outputs", outputs_value(&self.outputs)),
            ("texts", self.texts.clone().into()),
        ]))
    }
}

impl OpenJob {
    fn open_payload(&mut self) -> Result<&mut Chunked, JsValue> {
        self.chunked
            .as_mut()
            .ok_or_else(|| thrown(failure(&internal("no payload is open"), true)))
    }
}

/// A helper's side: verifies and decrypts whole chunks of one payload.
#[wasm_bindgen]
pub struct ChunkWorker {
    opener: ChunkOpener,
    buf: Vec<u8>,
    /// Sealed bytes per chunk (ciphertext ‖ tag).
    sealed: usize,
    /// Where a run read from the file lands.
    read: Vec<u8>,
    /// Reads runs of the sealed file, created at the first.
    reader: Option<(FileReaderSync, MessagePort)>,
}

#[wasm_bindgen]
impl ChunkWorker {
    /// The opener for the payload that [`OpenJob::next_input`] described.
    /// `key` is wiped (filled with zeros) once read.
    #[wasm_bindgen(constructor)]
    pub fn new(
        key: &Uint8Array,
        chunk_log2: u8,
        payload_len: Option<u64>,
    ) -> Result<ChunkWorker, JsValue> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        let ok = key.length() == 32;
        if ok {
            key.copy_to(&mut bytes[..]);
        }
        key.fill(0, 0, key.length());
        let chunk_size = ChunkSize::from_log2(chunk_log2)
            .filter(|_| ok)
            .ok_or_else(|| {
                thrown(failure(
                    &internal("a helper was given a bad key or chunk size"),
                    true,
                ))
            })?;
        let params = ChunkParams {
            chunk_size,
            payload_len,
        };
        Ok(ChunkWorker {
            opener: ChunkOpener::new(&bytes, params),
            buf: Vec::new(),
            sealed: chunk_size.bytes() + TAG_LEN,
            read: Vec::new(),
            reader: None,
        })
    }

    /// Verifies and decrypts chunk `index` (`bytes`: ciphertext ‖ tag).
    /// Only once it verified, its plaintext is copied over the start of
    /// `bytes`; returns the plaintext's length. Throws `{kind, message}`
    /// when the chunk does not verify (the core says why: tampered,
    /// truncated, data appended).
    pub fn open(&mut self, index: f64, last: bool, bytes: &Uint8Array) -> Result<u32, JsValue> {
        self.buf.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut self.buf);
        self.opener
            .open(index as u64, last, &mut self.buf)
            .map_err(|e| thrown(failure(&e, true)))?;
        bytes
            .subarray(0, self.buf.len() as u32)
            .copy_from(&self.buf);
        Ok(self.buf.len() as u32)
    }
}

#[wasm_bindgen]
impl ChunkWorker {
    /// Reads the `count` consecutive chunks from `index` on from `file`
    /// (`len` bytes from `start`; `last`: they end with the final chunk),
    /// then verifies and decrypts each; returns their plaintexts one after
    /// the other (a fresh array, to transfer). Throws `{kind, message}` when
    /// the file cannot be read to the run's end or a chunk does not verify
    /// (the first that does not: the error is the one-thread path's).
    pub fn open_run(
        &mut self,
        file: &Blob,
        start: f64,
        len: u32,
        count: u32,
        index: f64,
        last: bool,
    ) -> Result<Uint8Array, JsValue> {
        let fail = |e: tgseal_core::Error| thrown(failure(&e, true));
        let sealed = self.sealed;
        let (len_us, count_us) = (len as usize, count as usize);
        // All but the last chunk of a run are whole.
        if count == 0
            || len_us > count_us * sealed
            || len_us <= (count_us - 1) * sealed && count > 1
        {
            return Err(fail(internal("a run of chunks that cannot be")));
        }
        if self.reader.is_none() {
            let reader = FileReaderSync::new().map_err(|e| fail(io::js_io(e).into()))?;
            self.reader = Some((reader, io::drain().map_err(|e| fail(e.into()))?));
        }
        let Some((reader, drain)) = self.reader.as_ref() else {
            return Err(fail(internal("no reader")));
        };
        let bytes = io::read_range(reader, file, start, start + f64::from(len))
            .map_err(|e| fail(e.into()))?;
        let view = Uint8Array::new(&bytes);
        if view.length() != len {
            // The file shrank (or vanished) since it was picked.
            return Err(fail(tgseal_core::Error::Io(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the file could not be read to its end (was it changed or moved?)",
            ))));
        }
        self.read.resize(len_us, 0);
        view.copy_to(&mut self.read);
        io::release(drain, &bytes);
        self.buf.clear();
        let mut chunk = Vec::with_capacity(sealed);
        for (k, piece) in self.read.chunks(sealed).enumerate() {
            chunk.clear();
            chunk.extend_from_slice(piece);
            let final_chunk = last && k + 1 == count_us;
            self.opener
                .open(index as u64 + k as u64, final_chunk, &mut chunk)
                .map_err(fail)?;
            self.buf.extend_from_slice(&chunk);
        }
        if count_us == 1 && len == 0 {
            // An empty payload: its one chunk is too short to open.
            let mut empty = Vec::new();
            self.opener
                .open(index as u64, last, &mut empty)
                .map_err(fail)?;
        }
        Ok(Uint8Array::from(&self.buf[..]))
    }
}

fn internal(what: &str) -> tgseal_core::Error {
    tgseal_core::Error::Io(std::io::Error::other(format!("internal error: {what}")))
}
