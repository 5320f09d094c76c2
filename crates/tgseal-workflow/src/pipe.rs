//! An in-memory pipe between two threads: a bounded queue of byte blocks.
//!
//! Folders are archived and extracted while the payload is sealed or opened,
//! without a temporary plaintext archive on disk: the tar side runs on one
//! thread and the cipher on another, joined by this pipe. Memory stays bounded
//! (at most `DEPTH` blocks of `BLOCK` bytes in flight).

use std::io::{self, Read, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

const BLOCK: usize = 256 * 1024;
const DEPTH: usize = 4;

/// Creates a connected writer/reader pair.
pub(crate) fn pipe() -> (PipeWriter, PipeReader) {
    let (tx, rx) = sync_channel(DEPTH);
    (
        PipeWriter {
            tx,
            buf: Vec::with_capacity(BLOCK),
            finished: false,
        },
        PipeReader {
            rx,
            block: Vec::new(),
            pos: 0,
            failed: false,
        },
    )
}

/// The writing end. [`PipeWriter::finish`] marks a clean end; dropped without
/// it, the reader sees an error instead of end-of-file, so a producer that
/// failed half-way can never pass for a complete stream.
pub(crate) struct PipeWriter {
    tx: SyncSender<io::Result<Vec<u8>>>,
    buf: Vec<u8>,
    finished: bool,
}

fn closed() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "the other side of the pipe stopped",
    )
}

impl PipeWriter {
    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let block = std::mem::replace(&mut self.buf, Vec::with_capacity(BLOCK));
        self.tx.send(Ok(block)).map_err(|_| closed())
    }

    /// Sends what is buffered and ends the stream cleanly (the reader sees EOF).
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.send_buffer()?;
        self.finished = true;
        Ok(())
    }
}

impl Write for PipeWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = BLOCK - self.buf.len();
        let n = data.len().min(room);
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() >= BLOCK {
            self.send_buffer()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_buffer()
    }
}

impl Drop for PipeWriter {
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.tx.send(Err(io::Error::other(
                "the stream ended early (its producer failed)",
            )));
        }
    }
}

/// The reading end: end-of-file only after a clean [`PipeWriter::finish`].
pub(crate) struct PipeReader {
    rx: Receiver<io::Result<Vec<u8>>>,
    block: Vec<u8>,
    pos: usize,
    failed: bool,
}

impl Read for PipeReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.block.len() {
            if self.failed {
                return Err(io::Error::other("the stream ended early"));
            }
            match self.rx.recv() {
                Ok(Ok(block)) => {
                    self.block = block;
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.failed = true;
                    return Err(e);
                }
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.block.len() - self.pos);
        out[..n].copy_from_slice(&self.block[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_arrive_in_order_and_end_cleanly() {
        let (mut w, mut r) = pipe();
        let data: Vec<u8> = (0..1_000_000u32).map(|i| i as u8).collect();
        let expected = data.clone();
        let producer = std::thread::spawn(move || {
            w.write_all(&data).unwrap();
            w.finish().unwrap();
        });
        let mut got = Vec::new();
        r.read_to_end(&mut got).unwrap();
        producer.join().unwrap();
        assert_eq!(got, expected);
    }

    #[test]
    fn a_dropped_writer_is_an_error_not_eof() {
        let (mut w, mut r) = pipe();
        w.write_all(b"partial").unwrap();
        w.flush().unwrap();
        drop(w);
        let mut got = Vec::new();
        assert!(r.read_to_end(&mut got).is_err());
    }

    #[test]
    fn a_dropped_reader_stops_the_writer() {
        let (mut w, r) = pipe();
        drop(r);
        assert!(w.write_all(&vec![0u8; 4 * BLOCK]).is_err());
    }
}
