//! Counting the bytes that pass through a reader or writer: for the check
//! that a file did not change while it was sealed, for progress reports, and
//! for the byte counts of a [`crate::Summary`]. The count is shared because
//! some wrappers (the age crate's readers and writers) do not give their inner
//! reader or writer back until the end, if at all.

use std::io::{BufRead, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A reader or writer that counts the bytes it passes on.
pub struct Counting<T> {
    inner: T,
    count: Arc<AtomicU64>,
}

impl<T> Counting<T> {
    /// Wraps `inner`; returns the wrapper and a handle to its count.
    pub fn new(inner: T) -> (Self, Arc<AtomicU64>) {
        let count = Arc::new(AtomicU64::new(0));
        (
            Counting {
                inner,
                count: count.clone(),
            },
            count,
        )
    }

    fn add(&self, n: usize) {
        self.count.fetch_add(n as u64, Ordering::Relaxed);
    }
}

/// The current value of a count from [`Counting::new`].
pub fn read(count: &AtomicU64) -> u64 {
    count.load(Ordering::Relaxed)
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.add(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.add(amt);
        self.inner.consume(amt);
    }
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.add(n);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn counts_what_passes_both_ways() {
        let (mut reader, read_count) = Counting::new(&b"hello world"[..]);
        let mut head = [0u8; 5];
        reader.read_exact(&mut head).unwrap();
        reader.consume(1);
        assert_eq!(read(&read_count), 6);
        let (mut writer, written) = Counting::new(Vec::new());
        writer.write_all(b"abc").unwrap();
        assert_eq!(read(&written), 3);
    }
}
