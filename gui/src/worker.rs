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
use tgseal_age::Identities;
use tgseal_core::{
    Control, DecryptOptions, EncryptOptions, KdfCap, KdfParams, Keyring, Passphrase,
};
use tgseal_workflow::{
    BatchKeys, Claims, Class, DecryptTarget, Destination, Error, Fault, Format, Input, Remedy,
    ShapeOptions, Source, Unlock, preflight, seal,
};

use crate::queue::OnExists;

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
    /// Encrypt a file or folder into `folder`.
    Seal {
        /// The folder the sealed file (or its parts) goes to.
        folder: PathBuf,
        /// The plain sealed name; the shape may replace it by a random one.
        name: String,
        /// Split, hidden name, padding, armor.
        shape: ShapeOptions,
    },
    /// Decrypt a sealed file in any shape into this folder under the stored name.
    Open {
        /// The folder to write into.
        folder: PathBuf,
    },
    /// Decrypt an age file into this folder.
    OpenAge {
        /// The folder to write into.
        folder: PathBuf,
        /// With the passphrase (scrypt) rather than the identity file.
        passphrase: bool,
    },
}

/// One queue item handed to the worker.
#[derive(Debug)]
pub struct Job {
    /// The item's position in the queue.
    pub index: usize,
    /// The file or folder to read.
    pub input: PathBuf,
    /// What to do with it.
    pub kind: JobKind,
    /// Its size, for the progress estimate before it starts.
    pub size: u64,
    /// What to do if its result exists ([`OnExists::Ask`]: refuse, and
    /// report [`Outcome::Exists`] so that the line can ask).
    pub on_exists: OnExists,
}

/// How a batch runs: the same choices for every job in it.
#[derive(Clone, Debug)]
pub struct BatchOptions {
    /// Argon2id parameters for sealing.
    pub kdf: KdfParams,
    /// The most KDF work an opened file may ask for.
    pub cap: KdfCap,
    /// The age identity file, for age files sealed to a key.
    pub age_identity: Option<PathBuf>,
    /// Tests only: while set, every job pauses after its first progress report
    /// (until cleared or cancelled), so a test can look at or cancel a running job.
    pub hold: Option<Arc<AtomicBool>>,
}

/// How a job ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The result is at these paths (one, or every part when split).
    Done(Vec<PathBuf>),
    /// The job failed; the message uses the core error's wording.
    Failed(String),
    /// Nothing was written: the result (this path) already exists.
    Exists(PathBuf),
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
    /// The jobs started and not finished (queue indices).
    running: Vec<usize>,
    worker: Option<JoinHandle<()>>,
}

impl Batch {
    /// Starts the worker thread. It owns `passphrase` (none when every job is
    /// an age file opened with the identity file) and drops (zeroizes) it when
    /// the batch ends.
    pub fn start(
        ctx: egui::Context,
        passphrase: Option<Passphrase>,
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
            running: Vec::new(),
            worker: Some(worker),
        })
    }

    /// The events that arrived since the last call.
    pub fn poll(&mut self) -> Vec<Event> {
        let events: Vec<Event> = self.events.try_iter().collect();
        for event in &events {
            match event {
                Event::Started(index) => self.running.push(*index),
                Event::Finished(index, _) => self.running.retain(|i| i != index),
            }
        }
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

    /// Whether a started job has not moved a byte yet: its key derivation
    /// (or the check of the passphrase) is under way, and the time left
    /// cannot be told from bytes.
    pub fn deriving_key(&self) -> bool {
        self.running.iter().any(|index| {
            self.progress(*index)
                .is_some_and(|p| p.done() == 0 && !p.is_cancelled())
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

/// What every job of a batch shares: the passphrase, and the keys derived
/// from it once, when the first job needs them.
struct Keys {
    passphrase: Option<Passphrase>,
    /// Opening: files sealed together share salt and parameters, so Argon2id
    /// runs once for them (the keyring caches it).
    keyring: Option<Keyring>,
    /// Sealing: one Argon2id for the batch, as `tgseal encrypt` does (FORMAT.md §8).
    sealing: Option<BatchKeys>,
    /// Age identities, read once.
    identities: Option<Identities>,
}

impl Keys {
    fn copy_of_passphrase(&self) -> tgseal_core::Result<Passphrase> {
        let passphrase = self
            .passphrase
            .as_ref()
            .ok_or(tgseal_core::Error::EmptyPassphrase)?;
        Passphrase::new(passphrase.expose())
    }
}

fn run(
    ctx: egui::Context,
    passphrase: Option<Passphrase>,
    jobs: Vec<Job>,
    progress: Vec<Arc<JobProgress>>,
    options: BatchOptions,
    tx: Sender<Event>,
) {
    let mut keys = Keys {
        passphrase,
        keyring: None,
        sealing: None,
        identities: None,
    };
    // No output of the batch replaces one of its inputs, and no two opened
    // files (whose names the senders chose) restore to one path.
    let claims = Claims::reading(jobs.iter().map(|job| job.input.clone()));
    for (job, progress) in jobs.into_iter().zip(progress) {
        let outcome = if progress.is_cancelled() {
            Outcome::Cancelled
        } else {
            let _ = tx.send(Event::Started(job.index));
            ctx.request_repaint();
            if matches!(job.kind, JobKind::Seal { .. }) && job.input.is_dir() {
                // A folder's size is unknown until it is walked; walk it here,
                // off the UI thread, so its progress bar has a total.
                if let Some(size) = folder_size(&job.input) {
                    progress.total.store(size, Ordering::Relaxed);
                }
            }
            let control = control_for(&progress, options.hold.clone());
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                run_job(&job, &mut keys, &claims, &options, &control)
            }));
            match result {
                Ok(Ok(paths)) => Outcome::Done(paths),
                Ok(Err(err)) if err.class() == Class::Cancelled => Outcome::Cancelled,
                Ok(Err(err)) => match existing_output(&err) {
                    Some(path) => Outcome::Exists(path),
                    None => Outcome::Failed(message(&err)),
                },
                Err(_) => Outcome::Failed("internal error (the job panicked)".into()),
            }
        };
        let _ = tx.send(Event::Finished(job.index, outcome));
        ctx.request_repaint();
    }
}

/// The existing file that made `err`, when that is what failed.
pub fn existing_output(err: &Error) -> Option<PathBuf> {
    match err.fault() {
        Fault::Sealed(tgseal_core::Error::OutputExists(path)) => Some(path.clone()),
        _ => None,
    }
}

/// The bytes of every file below `dir` (what its archive mostly consists of).
fn folder_size(dir: &std::path::Path) -> Option<u64> {
    let (files, _) = tgseal_workflow::batch::files_below(dir).ok()?;
    Some(
        files
            .iter()
            .filter_map(|f| std::fs::symlink_metadata(dir.join(f)).ok())
            .map(|m| m.len())
            .sum(),
    )
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

/// Why an age file sealed to a key cannot be opened yet.
pub const NO_IDENTITY: &str = "this age file is encrypted to a key: choose your identity file \
                               under Options (\u{201c}Choose identity file\u{2026}\u{201d})";

fn run_job(
    job: &Job,
    keys: &mut Keys,
    claims: &Claims,
    options: &BatchOptions,
    control: &Control,
) -> Result<Vec<PathBuf>, Error> {
    let overwrite = job.on_exists == OnExists::Replace;
    let outcome = match &job.kind {
        JobKind::Seal {
            folder,
            name,
            shape,
        } => {
            let name = match job.on_exists {
                OnExists::KeepBoth => preflight::free_sealed_name(&job.input, folder, name, shape),
                _ => name.clone(),
            };
            let destination = Destination::Named { dir: folder, name };
            // What can fail without the key fails before Argon2id runs.
            preflight::check_seal(&job.input, &destination, shape, overwrite)?;
            if keys.sealing.is_none() {
                keys.sealing = Some(BatchKeys::new(
                    keys.copy_of_passphrase()?,
                    options.kdf,
                    false,
                )?);
            }
            let sealing = keys
                .sealing
                .as_ref()
                .ok_or(tgseal_core::Error::EmptyPassphrase)?;
            // Argon2id cannot be interrupted; honour a Cancel pressed meanwhile.
            control.check()?;
            let format = Format::Sealed {
                keys: sealing,
                shape: *shape,
                options: EncryptOptions::default(),
            };
            seal(
                Source::Path(&job.input),
                destination,
                overwrite,
                &format,
                control,
            )?
        }
        JobKind::Open { folder } | JobKind::OpenAge { folder, .. } => {
            // Found again: the parts may have changed since they were listed.
            let input = Input::to_open(&job.input)?;
            if keys.keyring.is_none() && keys.passphrase.is_some() {
                keys.keyring = Some(Keyring::new(keys.copy_of_passphrase()?, options.cap));
            }
            if keys.identities.is_none() {
                keys.identities = Some(load_identities(options, keys)?);
            }
            let no_identities = Identities::new();
            let unlock = Unlock {
                keyring: keys.keyring.as_ref(),
                identities: keys.identities.as_ref().unwrap_or(&no_identities),
            };
            let target = match job.on_exists {
                OnExists::KeepBoth => DecryptTarget::KeepBoth(folder.clone()),
                _ => DecryptTarget::Folder(folder.clone()),
            };
            input.open(
                &target,
                overwrite,
                claims,
                &unlock,
                &DecryptOptions::default(),
                control,
            )?
        }
    };
    if outcome.outputs.is_empty() {
        return Err(std::io::Error::other("nothing was written").into());
    }
    Ok(outcome.outputs)
}

/// The identities of the chosen identity file, if one is chosen. An
/// encrypted identity file is unlocked with the passphrase typed in the window.
fn load_identities(options: &BatchOptions, keys: &Keys) -> Result<Identities, Error> {
    let mut identities = Identities::new();
    if let Some(path) = &options.age_identity {
        identities.add_file(path, &|_| keys.copy_of_passphrase().ok())?;
    }
    Ok(identities)
}

/// The message for a failed job: the workflow layer's wording, with what the
/// user can change named as the app's own controls. The one place the app
/// words errors. A message may quote what a hostile file chose (a name): it
/// is shown escaped, never with its control or bidirectional characters.
pub fn message(err: &Error) -> String {
    let text = tgseal_core::untrusted::escape(&err.to_string()).into_owned();
    match err.remedy() {
        Some(Remedy::AllowOverwrite) => {
            format!("{text}: choose Replace, Keep both or Skip")
        }
        Some(Remedy::LiftKdfCap) => format!(
            "{text}; if you trust this file, turn on \u{201c}Allow expensive key derivation\u{201d}"
        ),
        Some(Remedy::GiveIdentity) => NO_IDENTITY.to_owned(),
        Some(Remedy::UsePassphrase) => {
            format!("{text}; type the passphrase instead of choosing an identity file")
        }
        _ => text,
    }
}
