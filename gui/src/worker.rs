//! Runs a batch of seal/open jobs on a worker thread, never in `ui()`.
//!
//! The worker reports through a channel (job started / finished) and through
//! atomics (bytes done, cancel flags) that the UI reads each frame; after every
//! event it calls `ctx.request_repaint()` so the window wakes up.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use eframe::egui;
use tgseal_core::files::{DecryptTarget, decrypt_file, encrypt_file};
use tgseal_core::{
    Control, EncryptOptions, Error, KdfCap, KdfParams, Keyring, MasterKey, Passphrase,
};

/// The live state of one job, shared between the UI and the worker.
#[derive(Debug, Default)]
pub struct JobProgress {
    done: AtomicU64,
    total: AtomicU64,
    cancel: Arc<AtomicBool>,
}

impl JobProgress {
    fn new(total: u64) -> Self {
        JobProgress {
            total: AtomicU64::new(total),
            ..Self::default()
        }
    }

    /// Content bytes processed so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Content bytes in all (an estimate until the job starts).
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    /// Done as a fraction, 0.0 to 1.0.
    pub fn fraction(&self) -> f32 {
        match self.total() {
            0 => 0.0,
            total => (self.done() as f64 / total as f64).clamp(0.0, 1.0) as f32,
        }
    }

    /// Asks the job to stop (before it starts, or at its next chunk).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether Cancel was pressed.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// What a job does.
#[derive(Clone, Debug)]
pub enum JobKind {
    /// Encrypt into exactly this file.
    Seal {
        /// The sealed file to write.
        output: PathBuf,
    },
    /// Decrypt into this folder under the stored name.
    Open {
        /// The folder to write into.
        folder: PathBuf,
    },
}

/// One queue item handed to the worker.
#[derive(Debug)]
pub struct Job {
    /// The item's position in the queue.
    pub index: usize,
    /// The file to read.
    pub input: PathBuf,
    /// What to do with it.
    pub kind: JobKind,
    /// Its size, for the progress estimate before it starts.
    pub size: u64,
}

/// How a batch runs: the same choices for every job in it.
#[derive(Clone, Debug)]
pub struct BatchOptions {
    /// Argon2id parameters for sealing.
    pub kdf: KdfParams,
    /// The most KDF work an opened file may ask for.
    pub cap: KdfCap,
    /// Replace existing outputs.
    pub overwrite: bool,
    /// Tests only: while set, every job pauses after its first progress report
    /// (until cleared or cancelled), so a test can look at or cancel a running job.
    pub hold: Option<Arc<AtomicBool>>,
}

/// How a job ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The result is at this path.
    Done(PathBuf),
    /// The job failed; the message uses the core error's wording.
    Failed(String),
    /// Cancelled; nothing was written.
    Cancelled,
}

/// What the worker tells the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The job for this queue index started.
    Started(usize),
    /// The job for this queue index ended.
    Finished(usize, Outcome),
}

/// A running batch, as the UI sees it.
pub struct Batch {
    events: Receiver<Event>,
    progress: Vec<(usize, Arc<JobProgress>)>,
    started: Instant,
    unfinished: usize,
    worker: Option<JoinHandle<()>>,
}

impl Batch {
    /// Starts the worker thread. It owns `passphrase` and drops (zeroizes) it when
    /// the batch ends.
    pub fn start(
        ctx: egui::Context,
        passphrase: Passphrase,
        jobs: Vec<Job>,
        options: BatchOptions,
    ) -> std::io::Result<Self> {
        let progress: Vec<(usize, Arc<JobProgress>)> = jobs
            .iter()
            .map(|job| (job.index, Arc::new(JobProgress::new(job.size))))
            .collect();
        let (tx, events) = channel();
        let shared = progress.iter().map(|(_, p)| p.clone()).collect();
        let unfinished = jobs.len();
        let worker = std::thread::Builder::new()
            .name("tgseal-worker".into())
            .spawn(move || run(ctx, passphrase, jobs, shared, options, tx))?;
        Ok(Batch {
            events,
            progress,
            started: Instant::now(),
            unfinished,
            worker: Some(worker),
        })
    }

    /// The events that arrived since the last call.
    pub fn poll(&mut self) -> Vec<Event> {
        let events: Vec<Event> = self.events.try_iter().collect();
        self.unfinished -= events
            .iter()
            .filter(|e| matches!(e, Event::Finished(..)))
            .count()
            .min(self.unfinished);
        if self.unfinished == 0
            && let Some(worker) = self.worker.take()
        {
            // The worker has sent its last event and is about to return.
            let _ = worker.join();
        }
        events
    }

    /// Whether every job has finished.
    pub fn is_finished(&self) -> bool {
        self.unfinished == 0
    }

    /// The progress of the job for a queue index.
    pub fn progress(&self, index: usize) -> Option<&JobProgress> {
        self.progress
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, p)| p.as_ref())
    }

    /// Cancels every job that has not finished.
    pub fn cancel_all(&self) {
        for (_, p) in &self.progress {
            p.cancel();
        }
    }

    /// Bytes done and bytes in all, over the whole batch.
    pub fn totals(&self) -> (u64, u64) {
        self.progress.iter().fold((0, 0), |(done, total), (_, p)| {
            (done + p.done(), total + p.total().max(p.done()))
        })
    }

    /// Time since Start.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        // Closing the app mid-batch: stop the jobs and wait for the worker, so
        // their temporary files are removed before the process exits. (A key
        // derivation under way cannot be interrupted; it ends within seconds.)
        self.cancel_all();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

fn run(
    ctx: egui::Context,
    passphrase: Passphrase,
    jobs: Vec<Job>,
    progress: Vec<Arc<JobProgress>>,
    options: BatchOptions,
    tx: Sender<Event>,
) {
    // One keyring for the batch: sealed files that share salt and parameters pay
    // Argon2id once. Sealing derives a fresh key (fresh salt) per file, like the CLI.
    let keyring = Passphrase::new(passphrase.expose())
        .map(|copy| Keyring::new(copy, options.cap))
        .ok();
    for (job, progress) in jobs.into_iter().zip(progress) {
        let outcome = if progress.is_cancelled() {
            Outcome::Cancelled
        } else {
            let _ = tx.send(Event::Started(job.index));
            ctx.request_repaint();
            let control = control_for(&progress, options.hold.clone());
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                run_job(&job, &passphrase, keyring.as_ref(), &options, &control)
            }));
            match result {
                Ok(Ok(path)) => Outcome::Done(path),
                Ok(Err(Error::Cancelled)) => Outcome::Cancelled,
                Ok(Err(err)) => Outcome::Failed(message(&err)),
                Err(_) => Outcome::Failed("internal error (the job panicked)".into()),
            }
        };
        let _ = tx.send(Event::Finished(job.index, outcome));
        ctx.request_repaint();
    }
}

fn control_for(progress: &Arc<JobProgress>, hold: Option<Arc<AtomicBool>>) -> Control {
    let shared = progress.clone();
    Control::new()
        .with_cancel_flag(progress.cancel.clone())
        .with_progress(move |p| {
            shared.done.store(p.done, Ordering::Relaxed);
            if let Some(total) = p.total {
                shared.total.store(total, Ordering::Relaxed);
            }
            if let Some(hold) = &hold {
                while hold.load(Ordering::Relaxed) && !shared.is_cancelled() {
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
        })
}

fn run_job(
    job: &Job,
    passphrase: &Passphrase,
    keyring: Option<&Keyring>,
    options: &BatchOptions,
    control: &Control,
) -> tgseal_core::Result<PathBuf> {
    match &job.kind {
        JobKind::Seal { output } => {
            let master = MasterKey::derive(passphrase, options.kdf)?;
            // Argon2id cannot be interrupted; honour a Cancel pressed meanwhile.
            if control.is_cancelled() {
                return Err(Error::Cancelled);
            }
            encrypt_file(
                &job.input,
                output,
                options.overwrite,
                &master,
                &EncryptOptions::default(),
                control,
            )?;
            Ok(output.clone())
        }
        JobKind::Open { folder } => {
            let keyring = keyring.ok_or(Error::EmptyPassphrase)?;
            let target = DecryptTarget::Folder(folder.clone());
            let (path, _) = decrypt_file(
                &job.input,
                &target,
                options.overwrite,
                keyring,
                &tgseal_core::DecryptOptions::default(),
                control,
            )?;
            Ok(path)
        }
    }
}

/// The message for a failed job: the core's own wording (the CLI prints the same),
/// except where the CLI names a flag the GUI shows as an option.
pub fn message(err: &Error) -> String {
    match err {
        Error::OutputExists(path) => format!(
            "{} already exists (turn on \u{201c}Replace existing files\u{201d} to overwrite)",
            path.display()
        ),
        Error::KdfOverCap { .. } => err.to_string().replace(
            "(CLI: --no-kdf-limit)",
            "(turn on \u{201c}Allow expensive key derivation\u{201d})",
        ),
        other => other.to_string(),
    }
}
