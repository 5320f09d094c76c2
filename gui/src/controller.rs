//! What changes the app's state: the list, the passphrase, and the batch from
//! Start to its summary. The panels call these methods for every change beyond
//! the field a widget edits itself (a text field, a check box). None of them
//! seals or opens anything: Start hands the jobs to the worker and returns.

use std::path::PathBuf;

use eframe::egui::{self, Id};
use tgseal_core::generate::{DEFAULT_WORDS, generate_passphrase};
use tgseal_core::{KdfCap, Passphrase};
use tgseal_workflow::{ShapeOptions, preflight};
use zeroize::{Zeroize, Zeroizing};

use crate::app::TgsealApp;
use crate::panels::{CONFIRM_ID, PASSPHRASE_ID};
use crate::queue::{Action, Destination, Item, OnExists, Status, input_key};
use crate::settings::Settings;
use crate::strength::estimate;
use crate::worker::{Batch, BatchOptions, Event, Job, JobKind, Outcome, existing_output, message};

/// A message under the buttons: what just happened, or why nothing did.
pub(crate) type Notice = crate::desktop::Report;

impl TgsealApp {
    /// Changes the settings, as the Options panel does.
    pub fn set_settings(&mut self, settings: Settings) {
        self.settings = settings;
        // Only items still waiting for Start: the others were already written
        // (or are being written) where they were planned to go.
        let output_dir = self.settings.output_dir.clone();
        for item in self.queue.iter_mut().filter(|i| {
            matches!(
                i.status,
                Status::Queued | Status::Exists(_) | Status::Blocked(_)
            )
        }) {
            item.replan(output_dir.as_deref());
        }
        // A new folder or shape may make a result exist, or stop existing.
        self.refresh_checks();
    }

    /// Adds paths to the queue, as dropping them on the window does. A path
    /// already listed and waiting or running is skipped, and so are further
    /// parts of a split file already listed (any one part opens the whole
    /// file); a path listed as failed, cancelled or skipped is planned again
    /// and waits for Start (dropping it again means "try again").
    pub fn add_paths(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        let output_dir = self.settings.output_dir.clone();
        for path in paths {
            let key = input_key(&path);
            let listed = self
                .queue
                .iter()
                .position(|item| item.key == key && !matches!(item.status, Status::Done(_)));
            match listed {
                Some(index) if self.queue[index].can_retry() => {
                    self.queue[index] = self.queue[index].replanned(output_dir.as_deref());
                }
                Some(_) => {}
                None => self.queue.push(Item::new(path, output_dir.as_deref())),
            }
        }
        self.refresh_checks();
    }

    /// Sets "Replace existing files" for this run, and lets lines waiting
    /// for a choice go on accordingly.
    pub fn set_replace_existing(&mut self, replace: bool) {
        self.replace_existing = replace;
        self.refresh_checks();
    }

    /// What a line does when its result exists: its own choice, else
    /// Replace while "Replace existing files" is on, else ask.
    fn on_exists(&self, item: &Item) -> OnExists {
        match item.on_exists {
            OnExists::Ask if self.replace_existing => OnExists::Replace,
            choice => choice,
        }
    }

    /// Checks again what can fail before any key is derived
    /// ([`tgseal_workflow::preflight`]), for every line not in a batch nor
    /// finished: a folder to pad is blocked with the reason, a result that
    /// exists asks Replace, Keep both or Skip. Opening lines that found their
    /// result existing go on once a choice is made.
    pub(crate) fn refresh_checks(&mut self) {
        let shape = self.settings.shape();
        for index in 0..self.queue.len() {
            let on_exists = self.on_exists(&self.queue[index]);
            let item = &mut self.queue[index];
            if !matches!(
                item.status,
                Status::Queued | Status::Exists(_) | Status::Blocked(_)
            ) {
                continue;
            }
            let Destination::Sealed { folder, name } = &item.destination else {
                if matches!(item.status, Status::Exists(_)) && on_exists != OnExists::Ask {
                    item.status = Status::Queued;
                }
                continue;
            };
            let destination = tgseal_workflow::Destination::Named {
                dir: folder,
                name: name.clone(),
            };
            let replace = on_exists == OnExists::Replace;
            item.status = match preflight::check_seal(&item.path, &destination, &shape, replace) {
                Ok(()) => Status::Queued,
                Err(err) => match existing_output(&err) {
                    Some(path) if on_exists == OnExists::Ask => Status::Exists(path),
                    Some(_) => Status::Queued,
                    None => Status::Blocked(message(&err)),
                },
            };
        }
    }

    /// The user's answer for a line whose result exists: Replace or Keep
    /// both (`Some`), or Skip (`None`).
    pub(crate) fn choose_on_exists(&mut self, index: usize, choice: Option<OnExists>) {
        let Some(item) = self.queue.get_mut(index) else {
            return;
        };
        match choice {
            Some(choice) => {
                item.on_exists = choice;
                item.status = Status::Queued;
            }
            None => item.status = Status::Skipped,
        }
        self.refresh_checks();
    }

    /// "Try again" (or "Check again", on a line the app could not use) on
    /// one line: planned again from its path and started alone, with the
    /// passphrase and options of now. Without a passphrase the line waits
    /// for one, and for Start.
    pub(crate) fn retry(&mut self, index: usize, ctx: &egui::Context) {
        if self.batch.is_some() || index >= self.queue.len() {
            return;
        }
        let output_dir = self.settings.output_dir.clone();
        self.queue[index] = self.queue[index].replanned(output_dir.as_deref());
        self.refresh_checks();
        if matches!(self.queue[index].action, Action::Unsupported(_)) {
            // Looked at again and still unusable (a part still missing): say
            // so, or the click would seem to do nothing. The line says why.
            self.error(format!(
                "{} still cannot be sealed or opened.",
                self.queue[index].name()
            ));
            return;
        }
        if !self.queue[index].is_pending() {
            // Now waiting for a choice (the result exists): the line asks.
            return;
        }
        match self.start_blocker_for(Some(index)) {
            None => self.start_with(ctx, Some(index)),
            Some(reason) => {
                // The line is waiting again, so Start is what runs it now.
                self.error(format!("{reason} Then press Start."));
                ctx.memory_mut(|m| m.request_focus(Id::unique(PASSPHRASE_ID)));
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

    /// The lines Start (`None`) or one line's Try again (`Some`) would run.
    fn in_scope(&self, only: Option<usize>) -> impl Iterator<Item = &Item> {
        self.queue
            .iter()
            .enumerate()
            .filter(move |(index, item)| item.is_pending() && only.is_none_or(|o| o == *index))
            .map(|(_, item)| item)
    }

    /// Whether a pending item is to be sealed (then the passphrase is typed twice).
    pub(crate) fn has_pending_seal(&self) -> bool {
        self.in_scope(None).any(|i| i.action == Action::Seal)
    }

    /// Whether a pending item is to be opened.
    pub(crate) fn in_scope_opens(&self) -> bool {
        self.in_scope(None).any(|i| i.action.opens())
    }

    /// Whether a pending item needs the passphrase (all but age files that
    /// open with the identity file).
    fn needs_passphrase(&self, only: Option<usize>) -> bool {
        self.in_scope(only).any(|i| i.action.needs_passphrase())
    }

    /// Why Start cannot run now, in words; `None` when it can.
    pub(crate) fn start_blocker(&self) -> Option<&'static str> {
        self.start_blocker_for(None)
    }

    fn start_blocker_for(&self, only: Option<usize>) -> Option<&'static str> {
        let pending = self.in_scope(only).count();
        let seals = self.in_scope(only).any(|i| i.action == Action::Seal);
        if self.batch.is_some() {
            Some("Working\u{2026}")
        } else if pending == 0
            && self
                .queue
                .iter()
                .any(|i| matches!(i.status, Status::Exists(_)))
        {
            Some("Choose Replace, Keep both or Skip for the files that exist.")
        } else if pending == 0
            && self
                .queue
                .iter()
                .any(|i| matches!(i.status, Status::Blocked(_)))
        {
            Some("Change what the lines above name, or remove those lines.")
        } else if pending == 0 {
            Some(self.nothing_to_start())
        } else if self.passphrase.is_empty() && self.needs_passphrase(only) {
            Some("Enter a passphrase.")
        } else if seals && self.confirm.is_empty() {
            Some("Type the passphrase again under Confirm passphrase.")
        } else if seals && *self.passphrase != *self.confirm {
            Some("The two passphrases differ.")
        } else {
            None
        }
    }

    /// Why Start has nothing to run: the list is empty, every line is done,
    /// or what is listed cannot be sealed or opened (each such line says why).
    fn nothing_to_start(&self) -> &'static str {
        let unusable = |i: &Item| matches!(i.action, Action::Unsupported(_));
        if self.queue.is_empty() {
            "Add files to seal or open."
        } else if self.queue.iter().all(unusable) {
            "Nothing listed can be sealed or opened. Add other files."
        } else {
            "All done. Add more files to seal or open."
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
        self.start_with(ctx, None);
    }

    /// Starts a batch with every pending item, or only with line `only`.
    fn start_with(&mut self, ctx: &egui::Context, only: Option<usize>) {
        let passphrase = match self.passphrase_for_batch(only) {
            Ok(passphrase) => passphrase,
            Err(text) => return self.error(text),
        };
        if let Some(dir) = &self.settings.output_dir
            && let Err(err) = std::fs::create_dir_all(dir)
        {
            return self.error(format!("cannot create {}: {err}", dir.display()));
        }
        let jobs = self.take_pending_jobs(only);
        if jobs.is_empty() {
            // Every line in scope turned out blocked or existing when checked again.
            return self.error("Nothing to start: see the lines above.".into());
        }
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
    fn passphrase_for_batch(&self, only: Option<usize>) -> Result<Option<Passphrase>, String> {
        if self.passphrase.is_empty() && !self.needs_passphrase(only) {
            return Ok(None);
        }
        Passphrase::new(&self.passphrase)
            .map(Some)
            .map_err(|err| err.to_string())
    }

    /// A job for every pending item in scope, which now waits for the
    /// worker. Lines tried before are planned again and every line is
    /// checked again first: the disk may have changed since.
    fn take_pending_jobs(&mut self, only: Option<usize>) -> Vec<Job> {
        let output_dir = self.settings.output_dir.clone();
        let in_scope = |index: usize| only.is_none_or(|o| o == index);
        for (index, item) in self.queue.iter_mut().enumerate() {
            if in_scope(index) && item.is_pending() && item.status != Status::Queued {
                *item = item.replanned(output_dir.as_deref());
            }
        }
        self.refresh_checks();
        let shape = self.settings.shape();
        let on_exists: Vec<OnExists> = self.queue.iter().map(|i| self.on_exists(i)).collect();
        let mut jobs = Vec::new();
        for (index, item) in self.queue.iter_mut().enumerate() {
            if !in_scope(index) || !item.is_pending() || item.status != Status::Queued {
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
                on_exists: on_exists[index],
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
                Event::Finished(i, Outcome::Done(outputs)) => {
                    if let Some(item) = self.queue.get_mut(i) {
                        item.outputs = outputs.clone();
                    }
                    match outputs.into_iter().next() {
                        Some(first) => (i, Status::Done(first)),
                        None => (i, Status::Failed("nothing was written".into())),
                    }
                }
                Event::Finished(i, Outcome::Failed(message)) => (i, Status::Failed(message)),
                Event::Finished(i, Outcome::Exists(path)) => (i, Status::Exists(path)),
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
            // What this batch wrote may be what another line would replace.
            self.refresh_checks();
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
        let exists = count(|i| matches!(i.status, Status::Exists(_)));
        let mut parts = vec![format!("{done} done")];
        if exists > 0 {
            parts.push(format!("{exists} already existed (choose what to do)"));
        }
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
        // Typed over: the generated passphrase is not the one in use any more.
        if !self.passphrase.is_empty()
            && self
                .generated
                .as_deref()
                .is_some_and(|g| g.as_str() != self.passphrase.as_str())
        {
            self.generated = None;
        }
    }

    /// Generate: fills both fields with a new passphrase and shows it in
    /// full until the user says it is saved. Over a typed passphrase it asks
    /// first (a Space on the focused button must not replace it silently).
    pub(crate) fn generate(&mut self) {
        let typed = !self.passphrase.is_empty()
            && self.generated.as_deref().map(String::as_str) != Some(self.passphrase.as_str());
        if typed && !self.confirm_generate {
            self.confirm_generate = true;
            return;
        }
        self.confirm_generate = false;
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
        let mut shown = Zeroizing::new(String::with_capacity(phrase.len()));
        shown.push_str(phrase);
        self.generated = Some(shown);
        self.passphrase_changed();
        self.notice = None;
    }

    /// "I have saved it": the generated passphrase is no longer shown.
    pub(crate) fn forget_generated(&mut self) {
        self.generated = None;
    }

    /// Copies `text` (a passphrase) to the clipboard, saying where it went.
    pub(crate) fn copy_passphrase(&mut self, ctx: &egui::Context, text: &str) {
        // The clipboard is outside our control: the notice says so.
        ctx.copy_text(text.to_owned());
        self.notice = Some(Notice {
            text: "Passphrase copied to the clipboard. Send it to the recipient through a \
                   different channel than the file (a call, another messenger), never in \
                   the same chat; then clear the clipboard."
                .into(),
            is_error: false,
        });
    }

    /// Copy text: the armored sealed file of line `index`, to paste into a chat.
    pub(crate) fn copy_armored_text(&mut self, ctx: &egui::Context, index: usize) {
        let Some(Status::Done(path)) = self.queue.get(index).map(|i| i.status.clone()) else {
            return;
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let chars = text.chars().count();
                ctx.copy_text(text);
                let fits = if chars <= tgseal_core::armor::TELEGRAM_MESSAGE_LEN {
                    "it fits in one Telegram message".to_owned()
                } else {
                    format!(
                        "longer than one Telegram message ({} characters): send the .txt file instead",
                        tgseal_core::armor::TELEGRAM_MESSAGE_LEN
                    )
                };
                self.notice = Some(Notice {
                    text: format!("Copied the sealed text ({chars} characters); {fits}."),
                    is_error: false,
                });
            }
            Err(err) => {
                let shown = self.shown(&path);
                self.error(format!("cannot read {shown}: {err}"));
            }
        }
    }

    /// Show in folder for a finished line; the answer comes as a notice.
    pub(crate) fn show_in_folder(&mut self, path: &std::path::Path) {
        let shown = self.shown(path);
        crate::desktop::reveal(
            &self.desktop,
            path.to_path_buf(),
            shown,
            self.reports.0.clone(),
            true,
        );
    }

    /// Send with Telegram: the files written for `indices` (every part),
    /// handed to Telegram Desktop in one call.
    pub(crate) fn send_to_telegram(&mut self, indices: &[usize]) {
        let files: Vec<PathBuf> = indices
            .iter()
            .filter_map(|&i| self.queue.get(i))
            .filter(|item| matches!(item.status, Status::Done(_)))
            .flat_map(|item| item.outputs.iter().cloned())
            .collect();
        let Some(first) = files.first() else {
            return;
        };
        let shown = self.shown(first);
        self.notice = Some(crate::desktop::send_to_telegram(
            &self.desktop,
            &files,
            shown,
            self.reports.0.clone(),
        ));
    }

    /// Takes what the desktop helpers' threads reported.
    pub(crate) fn take_reports(&mut self) {
        while let Ok(report) = self.reports.1.try_recv() {
            self.notice = Some(report);
        }
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
