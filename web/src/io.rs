//! The browser's files as `Read` and the page's staging area as `Write`.
//!
//! Both are synchronous: the calls run in a dedicated Web Worker, where
//! `FileReaderSync` reads a slice of a `File` and the page's glue writes to
//! an Origin Private File System access handle (or to memory). So the core's
//! streaming `Decryptor` and `encrypt` run unchanged, chunk by chunk, and
//! memory stays bounded whatever the file size.

use std::io::{self, Read, Write};

use wasm_bindgen::prelude::*;
use web_sys::{Blob, FileReaderSync};

/// How much is read from a file per call into the browser.
const READ_BLOCK: usize = 4 << 20;

/// A `File` (or any `Blob`) read front to back.
pub struct BlobReader {
    blob: Blob,
    reader: FileReaderSync,
    pos: f64,
    size: f64,
}

impl BlobReader {
    /// Reads `blob` from its start.
    pub fn new(blob: &Blob) -> io::Result<Self> {
        Ok(BlobReader {
            blob: blob.clone(),
            reader: FileReaderSync::new().map_err(js_io)?,
            pos: 0.0,
            size: blob.size(),
        })
    }

    /// Up to `len` bytes from the start (fewer when the file is shorter).
    pub fn head(blob: &Blob, len: usize) -> io::Result<Vec<u8>> {
        let mut out = vec![0u8; len];
        let got = tgseal_core::read_up_to(&mut BlobReader::new(blob)?, &mut out)?;
        out.truncate(got);
        Ok(out)
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = buf.len().min(READ_BLOCK) as f64;
        let end = (self.pos + want).min(self.size);
        if end <= self.pos {
            return Ok(0);
        }
        let slice = self
            .blob
            .slice_with_f64_and_f64(self.pos, end)
            .map_err(js_io)?;
        let bytes = self.reader.read_as_array_buffer(&slice).map_err(js_io)?;
        let view = js_sys::Uint8Array::new(&bytes);
        let n = view.length() as usize;
        if n == 0 {
            // The file shrank (or vanished) since it was picked.
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file could not be read to its end (was it changed or moved?)",
            ));
        }
        view.copy_to(&mut buf[..n]);
        self.pos += n as f64;
        Ok(n)
    }
}

#[wasm_bindgen]
extern "C" {
    /// Where output goes: the page's glue over one staging file in the
    /// Origin Private File System, or over memory. Everything a job writes
    /// goes into it one after the other; [`crate::Output`]s say which range
    /// is which file.
    pub type Sink;

    #[wasm_bindgen(method, catch)]
    fn write(this: &Sink, bytes: &[u8]) -> Result<(), JsValue>;

    /// Overwrites bytes already written (a part header, once the count is known).
    #[wasm_bindgen(method, catch, js_name = writeAt)]
    fn write_at(this: &Sink, offset: f64, bytes: &[u8]) -> Result<(), JsValue>;
}

/// The sink as a `Write`, counting its position.
pub struct SinkWriter<'a> {
    sink: &'a Sink,
    pos: u64,
}

impl<'a> SinkWriter<'a> {
    /// Writes to `sink`, whose position is 0.
    pub fn new(sink: &'a Sink) -> Self {
        SinkWriter { sink, pos: 0 }
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

impl Write for SinkWriter<'_> {
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
