//! The files a job leaves in its staging area: each a range of it with a name.
//! The page offers each range as a download only once the job succeeded.

use std::io::{self, Write};

use tgseal_core::fill_random;
use tgseal_core::split::{PART_HEADER_LEN, PartHeader, part_name, payload_capacity};

use crate::io::SinkWriter;

/// One output file: bytes `start .. start + len` of the staging area.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// The file name to save it under.
    pub name: String,
    /// Where it starts in the staging area.
    pub start: u64,
    /// Its length.
    pub len: u64,
}

/// A `Write` that cuts a sealed stream into parts (FORMAT.md §10) one after
/// the other in the staging area: each part filled to the limit
/// ([`payload_capacity`]), its header written with count 0 and patched by
/// [`PartCutter::finish`] once the count is known.
pub struct PartCutter<'s> {
    sink: &'s mut SinkWriter,
    limit: u64,
    set_id: [u8; 16],
    /// (start of the part in the staging area, payload bytes so far).
    parts: Vec<(u64, u64)>,
}

impl<'s> PartCutter<'s> {
    /// Parts of at most `limit` bytes each, header included.
    pub fn new(sink: &'s mut SinkWriter, limit: u64) -> tgseal_core::Result<Self> {
        let mut set_id = [0u8; 16];
        fill_random(&mut set_id)?;
        Ok(PartCutter {
            sink,
            limit,
            set_id,
            parts: Vec::new(),
        })
    }

    /// Writes the final headers; the parts are named `BASE.001`, ….
    pub fn finish(self, base: &str) -> io::Result<Vec<Output>> {
        let count =
            u32::try_from(self.parts.len()).map_err(|_| io::Error::other("too many parts"))?;
        let mut outputs = Vec::with_capacity(self.parts.len());
        for (number, &(start, payload_len)) in (1..).zip(&self.parts) {
            let header = PartHeader {
                set_id: self.set_id,
                number,
                count,
                payload_len,
            };
            self.sink.write_at(start, &header.to_bytes())?;
            outputs.push(Output {
                name: part_name(base, number, count),
                start,
                len: PART_HEADER_LEN as u64 + payload_len,
            });
        }
        Ok(outputs)
    }
}

impl Write for PartCutter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let room = payload_capacity(self.limit);
        if self.parts.last().is_none_or(|&(_, len)| len >= room) {
            let start = self.sink.position();
            self.sink.write_all(&[0u8; PART_HEADER_LEN])?;
            self.parts.push((start, 0));
        }
        let Some((_, len)) = self.parts.last_mut() else {
            return Err(io::Error::other("no part open"));
        };
        let take = usize::try_from(room - *len)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        self.sink.write_all(&buf[..take])?;
        *len += take as u64;
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
