//! What changes the app's state: the list, the passphrase, and the batch from
//! Start to its summary. The panels call these methods for every change beyond
//! the field a widget edits itself (a text field, a check box). None of them
//! seals or opens anything: Start hands the jobs to the worker and returns.

use std::path::PathBuf;

use eframe::egui::{self, Id};
use tgseal_core::generate::{DEFAULT_WORDS, generate_passphrase};
use tgseal_core::{KdfCap, Passphrase};
use tgseal_workflow::ShapeOptions;
use zeroize::Zeroize;

use crate::app::TgsealApp;
use crate::panels::{CONFIRM_ID, PASSPHRASE_ID};
use crate::queue::{Action, Destination, Item, Status, input_key};
use crate::settings::Settings;
use crate::strength::estimate;
use crate::worker::{Batch, BatchOptions, Event, Job, JobKind, Outcome};

/// A message under the buttons: what just happened, or why nothing did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Notice {
    pub(crate) text: String,
    pub(crate) is_error: bool,
}

impl TgsealApp {
    /// Changes the settings, as the Options panel does.
    pub fn set_settings(&mut self, settings: Settings) {
        self.settings = settings;
        // Only items still waiting for Start: the others were already written
        // (or are being written) where they were planned to go.
        let output_dir = self.settings.output_dir.clone();
        for item in self.queue.iter_mut().filter(|i| i.status == Status::Queued) {
            item.replan(output_dir.as_deref());
        }
    }

    /// Adds paths to the queue, as dropping them on the window does. Paths already
    /// queued and not finished are skipped, and so are further parts of a split
    /// file already listed (any one part opens the whole file).
    pub fn add_paths(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        for path in paths {
            let key = input_key(&path);
            let queued = self
                .queue
                .iter()
                .any(|item| item.key == key && !matches!(item.status, Status::Done(_)));
            if !queued {
                self.queue
                    .push(Item::new(path, self.settings.output_dir.as_deref()));
            }
        }
    }

    /// Adds what was dropped on the window since the last frame.
    pub(crate) fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            self.add_paths(dropped);
        }
    }

    /// Whether a pending item is to be sealed (then the passphrase is typed twice).
    pub(crate) fn has_pending_seal(&self) -> bool {
        self.queue
            .iter()
            .any(|i| i.is_pending() && i.action == Action::Seal)
    }

    /// Whether a pending item needs the passphrase (all but age files that
    /// open with the identity file).
    fn needs_passphrase(&self) -> bool {
        self.queue
            .iter()
            .any(|i| i.is_pending() && i.action.needs_passphrase())
    }

    /// Why Start cannot run now, in words; `None` when it can.
    pub(crate) fn start_blocker(&self) -> Option<&'static str> {
        let pending = self.queue.iter().filter(|i| i.is_pending()).count();
        if self.batch.is_some() {
            Some("Working…")
        } else if pending == 0 {
            Some("Add files to seal or open.")
        } else if self.passphrase.is_empty() && self.needs_passphrase() {
            Some("Enter a passphrase.")
        } else if self.has_pending_seal() && *self.passphrase != *self.confirm {
            Some("The two passphrases differ.")
        } else {
            None
        }
    }

    /// What the Start button says it will do (`Seal 2 files`).
    pub(crate) fn start_label(&self) -> String {
        let count = |opens: bool| {
            self.queue
                .iter()
                .filter(|i| i.is_pending() && i.action.opens() == opens)
                .count()
        };
        let files = |n: usize| if n == 1 { "file" } else { "files" };
        match (count(false), count(true)) {
            (0, 0) => "Start".into(),
            (s, 0) => format!("Seal {s} {}", files(s)),
            (0, o) => format!("Open {o} {}", files(o)),
            (s, o) => format!("Seal {s} and open {o} {}", files(o)),
        }
    }

    /// Starts a batch with every pending item.
    pub(crate) fn start(&mut self, ctx: &egui::Context) {
        let passphrase = match self.passphrase_for_batch() {
            Ok(passphrase) => passphrase,
            Err(text) => return self.error(text),
        };
        if let Some(dir) = &self.settings.output_dir
            && let Err(err) = std::fs::create_dir_all(dir)
        {
            return self.error(format!("cannot create {}: {err}", dir.display()));
        }
        let jobs = self.take_pending_jobs();
        let options = self.batch_options();
        match Batch::start(ctx.clone(), passphrase, jobs, options) {
            Ok(batch) => {
                self.batch = Some(batch);
                self.notice = None;
            }
            Err(err) => {
                for item in &mut self.queue {
                    if item.status == Status::Waiting {
                        item.status = Status::Failed(format!("cannot start a worker: {err}"));
                    }
                }
            }
        }
    }

    /// The core's passphrase for the worker; `None` when no job needs one
    /// (age files opened with the identity file alone).
    fn passphrase_for_batch(&self) -> Result<Option<Passphrase>, String> {
        if self.passphrase.is_empty() && !self.needs_passphrase() {
            return Ok(None);
        }
        Passphrase::new(&self.passphrase)
            .map(Some)
            .map_err(|err| err.to_string())
    }

    /// A job for every pending item, which now waits for the worker.
    fn take_pending_jobs(&mut self) -> Vec<Job> {
        let shape = self.settings.shape();
        let mut jobs = Vec::new();
        for (index, item) in self.queue.iter_mut().enumerate() {
            if !item.is_pending() {
                continue;
            }
            let Some(kind) = job_kind(item, shape) else {
                continue;
            };
            item.status = Status::Waiting;
            jobs.push(Job {
                index,
                input: item.path.clone(),
                kind,
                size: item.size.unwrap_or(0),
            });
        }
        jobs
    }

    fn batch_options(&self) -> BatchOptions {
        BatchOptions {
            kdf: self
                .hooks
                .kdf_override
                .unwrap_or_else(|| self.settings.preset().params()),
            cap: KdfCap::lifted_if(self.allow_expensive_kdf),
            overwrite: self.settings.overwrite,
            age_identity: self.settings.age_identity.clone(),
            hold: self.hooks.hold.clone(),
        }
    }

    /// Applies what the worker reported; ends the batch when it is done.
    pub(crate) fn poll_worker(&mut self, ctx: &egui::Context) {
        let Some(batch) = &mut self.batch else {
            return;
        };
        for event in batch.poll() {
            let (index, status) = match event {
                Event::Started(i) => (i, Status::Running),
                Event::Finished(i, Outcome::Done(path)) => (i, Status::Done(path)),
                Event::Finished(i, Outcome::Failed(message)) => (i, Status::Failed(message)),
                Event::Finished(i, Outcome::Cancelled) => (i, Status::Cancelled),
            };
            if let Some(item) = self.queue.get_mut(index) {
                item.status = status;
            }
        }
        if batch.is_finished() {
            self.batch = None;
            self.wipe_passphrase(ctx);
            self.notice = Some(self.summary());
        }
    }

    /// The notice after a batch: how many files ended which way.
    fn summary(&self) -> Notice {
        let count = |is: fn(&Item) -> bool| self.queue.iter().filter(|i| is(i)).count();
        let done = count(|i| matches!(i.status, Status::Done(_)));
        // Unsupported items were listed as failed from the start, not by this batch.
        let failed = count(|i| {
            matches!(i.status, Status::Failed(_)) && !matches!(i.action, Action::Unsupported(_))
        });
        let cancelled = count(|i| i.status == Status::Cancelled);
        let mut parts = vec![format!("{done} done")];
        if failed > 0 {
            parts.push(format!("{failed} failed"));
        }
        if cancelled > 0 {
            parts.push(format!("{cancelled} cancelled"));
        }
        Notice {
            text: format!(
                "{}. The passphrase was cleared from memory.",
                parts.join(", ")
            ),
            is_error: failed > 0,
        }
    }

    /// Zeroizes both passphrase fields and drops the text fields' undo history.
    fn wipe_passphrase(&mut self, ctx: &egui::Context) {
        self.passphrase.zeroize();
        self.confirm.zeroize();
        self.strength = None;
        self.show_passphrase = false;
        for id in [PASSPHRASE_ID, CONFIRM_ID] {
            egui::text_edit::TextEditState::default().store(ctx, Id::unique(id));
        }
    }

    /// Takes one line off the list. Not while a batch runs: its jobs point
    /// into the list by index.
    pub(crate) fn remove_item(&mut self, index: usize) {
        if self.batch.is_none() && index < self.queue.len() {
            self.queue.remove(index);
        }
    }

    /// Empties the list; the passphrase goes with it.
    pub(crate) fn clear(&mut self, ctx: &egui::Context) {
        self.queue.clear();
        self.wipe_passphrase(ctx);
        self.notice = None;
    }

    /// Rescores the passphrase after it was edited.
    pub(crate) fn passphrase_changed(&mut self) {
        self.strength = estimate(&self.passphrase);
    }

    /// Fills both fields with a new passphrase and copies it to the clipboard.
    pub(crate) fn generate(&mut self, ctx: &egui::Context) {
        // The core's generator: the same EFF list and sampling as `tgseal passphrase`.
        let phrase = match generate_passphrase(DEFAULT_WORDS) {
            Ok(phrase) => phrase,
            Err(err) => return self.error(err.to_string()),
        };
        let phrase = phrase.expose();
        // Zeroize rather than replace: the buffers keep their reserved room.
        self.passphrase.zeroize();
        self.confirm.zeroize();
        self.passphrase.push_str(phrase);
        self.confirm.push_str(phrase);
        self.show_passphrase = true;
        self.passphrase_changed();
        // The clipboard is outside our control: the reminder says where it goes.
        ctx.copy_text(phrase.to_string());
        self.notice = Some(Notice {
            text: "New passphrase copied to the clipboard. Send it to the recipient \
                   through a different channel than the file (a call, another \
                   messenger), never in the same chat."
                .into(),
            is_error: false,
        });
    }

    fn error(&mut self, text: String) {
        self.notice = Some(Notice {
            text,
            is_error: true,
        });
    }
}

/// What the worker is to do with a pending item; `None` for an item with
/// nowhere to go.
fn job_kind(item: &Item, shape: ShapeOptions) -> Option<JobKind> {
    Some(match (&item.destination, &item.action) {
        (Destination::Sealed { folder, name }, _) => JobKind::Seal {
            folder: folder.clone(),
            name: name.clone(),
            shape,
        },
        (Destination::Folder(folder), Action::OpenAge { passphrase }) => JobKind::OpenAge {
            folder: folder.clone(),
            passphrase: *passphrase,
        },
        (Destination::Folder(folder), _) => JobKind::Open {
            folder: folder.clone(),
        },
        (Destination::None, _) => return None,
    })
}
