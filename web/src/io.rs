//! The browser's files as `Read` and the page's staging area as `Write`.
//!
//! Both are synchronous: the calls run in a dedicated Web Worker, where
//! `FileReaderSync` reads a slice of a `File` and the page's glue writes to
//! an Origin Private File System access handle (or to memory). So the core's
//! streaming `Decryptor` and `encrypt` run unchanged, chunk by chunk, and
//! memory stays bounded whatever the file size.

use std::io::{self, Read, Write};

use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{Blob, FileReaderSync, MessageChannel, MessagePort};

/// How much is read from a file per call into the browser: few calls, and
/// only this much of the file outside WebAssembly memory at a time.
const READ_BLOCK: f64 = (1 << 20) as f64;

/// A `File` (or any `Blob`) read front to back, a block at a time: each
/// block is copied once, straight into the buffer the core reads into, and
/// freed as soon as it is used up.
pub struct BlobReader {
    blob: Blob,
    reader: FileReaderSync,
    /// The block being handed out, and how much of it was.
    block: Option<(Uint8Array, u32)>,
    /// Where the next block starts.
    pos: f64,
    size: f64,
    /// Where used blocks go (see [`release`]).
    drain: MessagePort,
}

impl BlobReader {
    /// Reads `blob` from its start.
    pub fn new(blob: &Blob) -> io::Result<Self> {
        Ok(BlobReader {
            blob: blob.clone(),
            reader: FileReaderSync::new().map_err(js_io)?,
            block: None,
            pos: 0.0,
            size: blob.size(),
            drain: drain()?,
        })
    }

    /// Up to `len` bytes from the start (fewer when the file is shorter).
    pub fn head(blob: &Blob, len: usize) -> io::Result<Vec<u8>> {
        let bytes = read_range(
            &FileReaderSync::new().map_err(js_io)?,
            blob,
            0.0,
            (len as f64).min(blob.size()),
        )?;
        let view = Uint8Array::new(&bytes);
        let mut out = vec![0u8; view.length() as usize];
        view.copy_to(&mut out);
        release(&drain()?, &bytes);
        Ok(out)
    }

    /// Reads the next block; false at the end of the file.
    fn next_block(&mut self) -> io::Result<bool> {
        let end = (self.pos + READ_BLOCK).min(self.size);
        if end <= self.pos {
            return Ok(false);
        }
        let bytes = read_range(&self.reader, &self.blob, self.pos, end)?;
        let view = Uint8Array::new(&bytes);
        if view.length() == 0 {
            // The file shrank (or vanished) since it was picked.
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file could not be read to its end (was it changed or moved?)",
            ));
        }
        self.pos += f64::from(view.length());
        self.block = Some((view, 0));
        Ok(true)
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.block.is_none() && !self.next_block()? {
            return Ok(0);
        }
        let Some((view, used)) = self.block.as_mut() else {
            return Ok(0);
        };
        let left = view.length() - *used;
        let n = left.min(u32::try_from(buf.len()).unwrap_or(u32::MAX));
        if *used == 0 && n == left {
            view.copy_to(&mut buf[..n as usize]);
        } else {
            view.subarray(*used, *used + n)
                .copy_to(&mut buf[..n as usize]);
        }
        *used += n;
        if *used == view.length() {
            let buffer = view.buffer();
            self.block = None;
            release(&self.drain, &buffer);
        }
        Ok(n as usize)
    }
}

/// Frees a used block now. Left to the garbage collector, blocks pile up:
/// the worker spends the whole job inside one call into WebAssembly and
/// allocates almost nothing on the JavaScript heap, so the collector seldom
/// runs, and every read is a fresh `ArrayBuffer` — opening 1 GiB grew the
/// page's process by 230–250 MiB, against 25–45 MiB with this
/// (docs/PERFORMANCE.md). Transferring the buffer into a channel whose other
/// end is closed takes its memory away from it, and the channel drops it.
/// (`ArrayBuffer.prototype.transfer` is no help: it detaches the script's
/// view only, the browser's copy still waits for the collector, which then
/// no longer counts it, and nothing was freed at all.)
pub(crate) fn release(drain: &MessagePort, buffer: &ArrayBuffer) {
    let _ = drain.post_message_with_transferable(&JsValue::NULL, &Array::of1(buffer));
}

/// A message port whose other end is closed: what is sent there is dropped.
pub(crate) fn drain() -> io::Result<MessagePort> {
    let channel = MessageChannel::new().map_err(js_io)?;
    channel.port2().close();
    Ok(channel.port1())
}

/// The bytes `start..end` of `blob`, read synchronously.
pub(crate) fn read_range(
    reader: &FileReaderSync,
    blob: &Blob,
    start: f64,
    end: f64,
) -> io::Result<ArrayBuffer> {
    let slice = blob.slice_with_f64_and_f64(start, end).map_err(js_io)?;
    let bytes = reader.read_as_array_buffer(&slice).map_err(js_io)?;
    bytes
        .dyn_into::<ArrayBuffer>()
        .map_err(|_| io::Error::other("the browser read no bytes"))
}

#[wasm_bindgen]
extern "C" {
    /// Where output goes: the page's glue over one staging file in the
    /// Origin Private File System, or over memory. Everything a job writes
    /// goes into it one after the other; [`crate::Output`]s say which range
    /// is which file.
    #[derive(Clone)]
    pub type Sink;

    #[wasm_bindgen(method, catch)]
    fn write(this: &Sink, bytes: &[u8]) -> Result<(), JsValue>;

    /// Overwrites bytes already written (a part header, once the count is known).
    #[wasm_bindgen(method, catch, js_name = writeAt)]
    fn write_at(this: &Sink, offset: f64, bytes: &[u8]) -> Result<(), JsValue>;
}

/// The sink as a `Write`, counting its position.
pub struct SinkWriter {
    sink: Sink,
    pos: u64,
}

impl SinkWriter {
    /// Writes to `sink`, whose position is 0.
    pub fn new(sink: &Sink) -> Self {
        SinkWriter {
            sink: sink.clone(),
            pos: 0,
        }
    }

    /// Bytes written so far: where the next write lands.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Overwrites `bytes` at `offset` (before [`SinkWriter::position`]).
    pub fn write_at(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        self.sink.write_at(offset as f64, bytes).map_err(js_io)
    }
}

impl Write for SinkWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.sink.write(buf).map_err(js_io)?;
        self.pos += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A JavaScript exception as an I/O error, with its message (a full
/// staging area says so: "QuotaExceededError …").
pub fn js_io(err: JsValue) -> io::Error {
    let text = err
        .dyn_ref::<js_sys::Error>()
        .map(|e| format!("{}: {}", String::from(e.name()), String::from(e.message())))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "the browser refused the operation".to_owned());
    if text.contains("QuotaExceeded") {
        io::Error::new(
            io::ErrorKind::StorageFull,
            format!("the browser's storage for this page is full ({text})"),
        )
    } else {
        io::Error::other(text)
    }
}
