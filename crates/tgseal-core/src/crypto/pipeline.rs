//! The payload on several cores (FORMAT.md §5), byte for byte the same as the
//! sequential path in `stream.rs`.
//!
//! The calling thread reads and writes: it keeps the input and the output, which
//! need not be `Send` (a locked stdin, a caller's sink). A pool of workers seals
//! or opens chunks in place. A fixed set of chunk buffers circulates — reader →
//! worker → in-order writer → reader — so memory stays bounded whatever the input
//! size, and the writer hands chunk `i` on only after chunks `0..i` went out, so on
//! decryption nothing that has not verified, in order, ever reaches the sink.

use std::io::Read;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::control::Control;
use crate::crypto::stream::fill;
use crate::{Error, Result};

/// The most memory the chunk buffers in flight may take (a soft cap: at least
/// four buffers always circulate).
const PIPELINE_BYTES: usize = 32 << 20;
/// Buffers per worker: one being worked on, one queued, one waiting to be written.
const BUFFERS_PER_WORKER: usize = 3;

/// What a worker does to one chunk: `(index, last, buffer)`, in place.
type Work<'a> = dyn Fn(u64, bool, &mut Vec<u8>) -> Result<()> + Sync + 'a;

/// A chunk on its way to a worker.
struct Job {
    index: u64,
    last: bool,
    buf: Vec<u8>,
}

/// A chunk back from a worker.
struct Done {
    index: u64,
    buf: Vec<u8>,
    result: Result<()>,
}

/// Reads the input in blocks of `block` bytes, one block ahead: a full block is
/// the final one only if nothing follows it (§5).
struct Lookahead<'a, R> {
    input: &'a mut R,
    block: usize,
    ahead: Option<Vec<u8>>,
    finished: bool,
}

impl<R: Read> Lookahead<'_, R> {
    /// Free buffers [`Lookahead::next`] needs.
    fn buffers_needed(&self) -> usize {
        if self.ahead.is_some() { 1 } else { 2 }
    }

    /// The next block and whether it is the final one.
    fn next(&mut self, free: &mut Vec<Vec<u8>>) -> Result<(Vec<u8>, bool)> {
        let mut current = match self.ahead.take() {
            Some(buf) => buf,
            None => {
                let mut buf = free.pop().unwrap_or_default();
                fill(self.input, &mut buf, self.block)?;
                buf
            }
        };
        if current.len() < self.block {
            self.finished = true;
            return Ok((current, true));
        }
        let mut next = free.pop().unwrap_or_default();
        if let Err(e) = fill(self.input, &mut next, self.block) {
            // `current` is never handed out: put it back for a tidy count.
            free.push(std::mem::take(&mut current));
            return Err(e);
        }
        if next.is_empty() {
            free.push(next);
            self.finished = true;
            Ok((current, true))
        } else {
            self.ahead = Some(next);
            Ok((current, false))
        }
    }
}

/// Runs `work(index, last, buf)` over the input's blocks on `threads` workers and
/// hands each processed buffer to `deliver`, strictly in order. The first error
/// in chunk order wins: a read error at block `i` surfaces after blocks `0..i`
/// were delivered, a failed chunk `i` after `0..i`, and nothing after it is
/// delivered. `capacity` is what a buffer must hold (the block plus a tag when
/// sealing).
pub(crate) fn run<R: Read>(
    threads: usize,
    block: usize,
    capacity: usize,
    input: &mut R,
    control: &Control,
    work: &Work<'_>,
    deliver: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    let buffers = (threads.saturating_mul(BUFFERS_PER_WORKER) + 2)
        .min(PIPELINE_BYTES / capacity.max(1))
        .max(4);
    // A worker without a buffer to work on is useless.
    let workers = threads.clamp(1, buffers - 1);
    let (job_tx, job_rx) = sync_channel::<Job>(buffers);
    let (done_tx, done_rx) = sync_channel::<Done>(buffers);
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            scope.spawn(move || worker(job_rx, &done_tx, work));
        }
        drop(done_tx);
        let reader = Lookahead {
            input,
            block,
            ahead: None,
            finished: false,
        };
        // `job_tx` is dropped when `drive` returns, early or not: the workers then
        // run out of jobs and the scope can join them.
        drive(
            reader, buffers, capacity, job_tx, &done_rx, control, deliver,
        )
    })
}

fn worker(jobs: &Mutex<Receiver<Job>>, done: &SyncSender<Done>, work: &Work) {
    loop {
        let job = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => return,
        };
        let Ok(mut job) = job else {
            return;
        };
        // A panicking worker must not leave the writer waiting for its chunk.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            work(job.index, job.last, &mut job.buf)
        }))
        .unwrap_or_else(|_| Err(internal("a payload worker failed")));
        let reply = Done {
            index: job.index,
            buf: job.buf,
            result,
        };
        if done.send(reply).is_err() {
            return;
        }
    }
}

fn drive<R: Read>(
    mut reader: Lookahead<'_, R>,
    buffers: usize,
    capacity: usize,
    jobs: SyncSender<Job>,
    done: &Receiver<Done>,
    control: &Control,
    deliver: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    let mut free: Vec<Vec<u8>> = (0..buffers).map(|_| Vec::with_capacity(capacity)).collect();
    // Chunks back from the workers, waiting for their turn; indices in flight
    // span fewer than `buffers` values, so `index % buffers` never collides.
    let mut slots: Vec<Option<Done>> = (0..buffers).map(|_| None).collect();
    let slot = |index: u64| (index % buffers as u64) as usize;
    let (mut dispatched, mut delivered) = (0u64, 0u64);
    let mut read_error = None;
    loop {
        while read_error.is_none() && !reader.finished && free.len() >= reader.buffers_needed() {
            control.check()?;
            match reader.next(&mut free) {
                Ok((buf, last)) => {
                    let job = Job {
                        index: dispatched,
                        last,
                        buf,
                    };
                    jobs.send(job)
                        .map_err(|_| internal("the payload workers stopped"))?;
                    dispatched = dispatched
                        .checked_add(1)
                        .ok_or(Error::Tampered("too many chunks"))?;
                }
                Err(e) => read_error = Some(e),
            }
        }
        if delivered == dispatched {
            return match read_error {
                Some(e) => Err(e),
                None => Ok(()),
            };
        }
        let next = slot(delivered);
        while slots[next].is_none() {
            let reply = done
                .recv()
                .map_err(|_| internal("the payload workers stopped"))?;
            let at = slot(reply.index);
            slots[at] = Some(reply);
        }
        let Some(reply) = slots[next].take() else {
            return Err(internal("payload chunk lost"));
        };
        control.check()?;
        reply.result?;
        deliver(&reply.buf)?;
        free.push(reply.buf);
        delivered += 1;
    }
}

fn internal(what: &str) -> Error {
    Error::Io(std::io::Error::other(format!("internal error: {what}")))
}

#[cfg(test)]
pub(crate) mod tests;
