//! Progress reporting and cancellation, shared by the CLI and the GUI.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::{Error, Result};

/// How far a job has come, in content bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Bytes processed so far.
    pub done: u64,
    /// Total bytes, when known.
    pub total: Option<u64>,
}

type ProgressFn = dyn Fn(Progress) + Send + Sync;

/// The caller's handle on a running job: a progress callback and a cancel flag.
///
/// Cloning shares the same flag and callback, so a UI thread can keep one clone
/// and cancel the job that a worker thread runs with another.
#[derive(Clone, Default)]
pub struct Control {
    cancelled: Arc<AtomicBool>,
    on_progress: Option<Arc<ProgressFn>>,
}

impl Control {
    /// A control with no callback and a fresh cancel flag.
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls `callback` as work advances (at most once per chunk).
    pub fn with_progress(mut self, callback: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(callback));
        self
    }

    /// Shares an existing cancel flag (e.g. one set by a Ctrl-C handler).
    pub fn with_cancel_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancelled = flag;
        self
    }

    /// Asks the job to stop; it ends with [`Error::Cancelled`] at the next chunk
    /// and leaves no output behind.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// `Err(Error::Cancelled)` once cancellation was requested. Public so that
    /// format crates beside the core (tgseal-age) honour the same flag.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Calls the progress callback, if any.
    pub fn report(&self, done: u64, total: Option<u64>) {
        if let Some(callback) = &self.on_progress {
            callback(Progress { done, total });
        }
    }
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("cancelled", &self.is_cancelled())
            .finish_non_exhaustive()
    }
}
