//! The app: one struct of state, and one small function per part of the window.
//! Long work never runs here: [`crate::worker`] does it and this module only reads
//! its progress.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use eframe::egui::{self, Align2, Color32, FontId, Id, RichText};
use tgseal_core::{KdfCap, KdfParams, KdfPreset, Passphrase};
use tgseal_workflow::ShapeOptions;
use zeroize::{Zeroize, Zeroizing};

use crate::queue::{Action, Destination, Item, Status, input_key};
use crate::settings::{STORAGE_KEY, Settings, Split};
use crate::strength::{Strength, estimate};
use crate::units;
use crate::worker::{Batch, BatchOptions, Event, Job, JobKind, Outcome};
use tgseal_core::generate::{DEFAULT_WORDS, generate_passphrase};

/// Room reserved up front in the passphrase buffers, so typing does not make the
/// `String` reallocate (each reallocation would leave an unzeroized copy behind).
const PASSPHRASE_CAPACITY: usize = 512;

const PASSPHRASE_ID: &str = "passphrase";
const CONFIRM_ID: &str = "passphrase-confirm";

/// The width of the passphrase and options panel.
const SIDE_PANEL_WIDTH: f32 = 330.0;

/// Knobs for tests and screenshots; the app itself runs with `Hooks::default()`.
#[derive(Clone, Debug, Default)]
pub struct Hooks {
    /// Argon2id parameters that replace the chosen preset when sealing (tests use
    /// tiny ones; the presets stay what users see).
    pub kdf_override: Option<KdfParams>,
    /// Show paths under `.0` as `.1` (snapshots must not show random temp paths).
    pub path_alias: Option<(PathBuf, String)>,
    /// Hide what varies from run to run (throughput, time left).
    pub stable_display: bool,
    /// See [`BatchOptions::hold`].
    pub hold: Option<Arc<AtomicBool>>,
}

/// A message under the buttons: what just happened, or why nothing did.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Notice {
    text: String,
    is_error: bool,
}

/// The whole state of the app.
pub struct TgsealApp {
    settings: Settings,
    passphrase: Zeroizing<String>,
    confirm: Zeroizing<String>,
    show_passphrase: bool,
    strength: Option<Strength>,
    allow_expensive_kdf: bool,
    queue: Vec<Item>,
    batch: Option<Batch>,
    notice: Option<Notice>,
    hooks: Hooks,
}

impl TgsealApp {
    /// The app as eframe starts it: settings restored from eframe's storage.
    pub fn new(cc: &eframe::CreationContext<'_>, hooks: Hooks) -> Self {
        Self::with_storage(cc.storage, hooks)
    }

    /// The app with settings from `storage` (if any).
    pub fn with_storage(storage: Option<&dyn eframe::Storage>, hooks: Hooks) -> Self {
        let settings = storage
            .and_then(|s| eframe::get_value::<Settings>(s, STORAGE_KEY))
            .unwrap_or_default();
        TgsealApp {
            settings,
            passphrase: Zeroizing::new(String::with_capacity(PASSPHRASE_CAPACITY)),
            confirm: Zeroizing::new(String::with_capacity(PASSPHRASE_CAPACITY)),
            show_passphrase: false,
            strength: None,
            allow_expensive_kdf: false,
            queue: Vec::new(),
            batch: None,
            notice: None,
            hooks,
        }
    }

    /// The settings (they persist; the passphrase does not).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Changes the settings, as the Options panel does.
    pub fn set_settings(&mut self, settings: Settings) {
        self.settings = settings;
        self.replan();
    }

    /// The queue, in order.
    pub fn queue(&self) -> &[Item] {
        &self.queue
    }

    /// Whether a batch is running.
    pub fn is_busy(&self) -> bool {
        self.batch.is_some()
    }

    /// Bytes done and in all of the running job for a queue index.
    pub fn progress_of(&self, index: usize) -> Option<(u64, u64)> {
        let progress = self.batch.as_ref()?.progress(index)?;
        Some((progress.done(), progress.total()))
    }

    /// Whether both passphrase fields are empty (as after a wipe).
    pub fn passphrase_is_wiped(&self) -> bool {
        self.passphrase.is_empty() && self.confirm.is_empty()
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

    fn replan(&mut self) {
        let output_dir = self.settings.output_dir.clone();
        for item in self.queue.iter_mut().filter(|i| i.status == Status::Queued) {
            item.replan(output_dir.as_deref());
        }
    }

    fn has_pending_seal(&self) -> bool {
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
    fn start_blocker(&self) -> Option<&'static str> {
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

    fn start_label(&self) -> String {
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
    fn start(&mut self, ctx: &egui::Context) {
        // Age files opened with the identity file alone need no passphrase.
        let passphrase = if self.passphrase.is_empty() && !self.needs_passphrase() {
            None
        } else {
            match Passphrase::new(&self.passphrase) {
                Ok(p) => Some(p),
                Err(err) => return self.error(err.to_string()),
            }
        };
        let shape = self.settings.shape();
        if let Some(dir) = &self.settings.output_dir
            && let Err(err) = std::fs::create_dir_all(dir)
        {
            return self.error(format!("cannot create {}: {err}", dir.display()));
        }
        let mut jobs = Vec::new();
        for (index, item) in self.queue.iter_mut().enumerate() {
            if !item.is_pending() {
                continue;
            }
            let kind = match (&item.destination, &item.action) {
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
                (Destination::None, _) => continue,
            };
            item.status = Status::Waiting;
            jobs.push(Job {
                index,
                input: item.path.clone(),
                kind,
                size: item.size.unwrap_or(0),
            });
        }
        let options = BatchOptions {
            kdf: self
                .hooks
                .kdf_override
                .unwrap_or_else(|| self.settings.preset().params()),
            cap: KdfCap::lifted_if(self.allow_expensive_kdf),
            overwrite: self.settings.overwrite,
            age_identity: self.settings.age_identity.clone(),
            hold: self.hooks.hold.clone(),
        };
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

    /// Applies what the worker reported; ends the batch when it is done.
    fn poll_worker(&mut self, ctx: &egui::Context) {
        let Some(batch) = &mut self.batch else {
            return;
        };
        for event in batch.poll() {
            match event {
                Event::Started(i) => {
                    if let Some(item) = self.queue.get_mut(i) {
                        item.status = Status::Running;
                    }
                }
                Event::Finished(i, outcome) => {
                    if let Some(item) = self.queue.get_mut(i) {
                        item.status = match outcome {
                            Outcome::Done(path) => Status::Done(path),
                            Outcome::Failed(message) => Status::Failed(message),
                            Outcome::Cancelled => Status::Cancelled,
                        };
                    }
                }
            }
        }
        if batch.is_finished() {
            self.batch = None;
            self.wipe_passphrase(ctx);
            self.notice = Some(self.summary());
        }
    }

    fn summary(&self) -> Notice {
        let done = self
            .queue
            .iter()
            .filter(|i| matches!(i.status, Status::Done(_)))
            .count();
        let failed = self
            .queue
            .iter()
            .filter(|i| {
                matches!(i.status, Status::Failed(_)) && !matches!(i.action, Action::Unsupported(_))
            })
            .count();
        let cancelled = self
            .queue
            .iter()
            .filter(|i| i.status == Status::Cancelled)
            .count();
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

    fn clear(&mut self, ctx: &egui::Context) {
        self.queue.clear();
        self.wipe_passphrase(ctx);
        self.notice = None;
    }

    fn error(&mut self, text: String) {
        self.notice = Some(Notice {
            text,
            is_error: true,
        });
    }

    fn generate(&mut self, ctx: &egui::Context) {
        // The core's generator: the same EFF list and sampling as `tgseal passphrase`.
        let phrase = match generate_passphrase(DEFAULT_WORDS) {
            Ok(phrase) => phrase,
            Err(err) => return self.error(err.to_string()),
        };
        let phrase = phrase.expose();
        self.passphrase.zeroize();
        self.confirm.zeroize();
        self.passphrase.push_str(phrase);
        self.confirm.push_str(phrase);
        self.show_passphrase = true;
        self.strength = estimate(&self.passphrase);
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

    /// A path as shown in the window: under the home folder as `~/…`.
    fn shown_path(&self, path: &Path) -> String {
        let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })
            .filter(|h| !h.is_empty())
            .map(|h| (PathBuf::from(h), "~".to_owned()));
        if let Some((real, alias)) = self.hooks.path_alias.as_ref().or(home.as_ref())
            && let Ok(rest) = path.strip_prefix(real)
        {
            let rest = rest.to_string_lossy();
            return if rest.is_empty() {
                alias.clone()
            } else {
                format!("{alias}/{rest}")
            };
        }
        path.display().to_string()
    }

    // ----- the window ---------------------------------------------------------

    fn take_dropped_files(&mut self, ctx: &egui::Context) {
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

    fn header_ui(&self, ui: &mut egui::Ui) {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.heading("tgseal");
            ui.label(
                "Seal files before you send them through Telegram; \
                 share the passphrase another way.",
            );
        });
        ui.add_space(4.0);
    }

    fn queue_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let busy = self.batch.is_some();
            if ui
                .button("Add files…")
                .on_hover_text("Choose files to seal, or sealed files, parts and age files to open")
                .clicked()
                && let Some(paths) = rfd::FileDialog::new().pick_files()
            {
                self.add_paths(paths);
            }
            if ui
                .button("Add folder…")
                .on_hover_text("Choose a folder to seal as one file, or a folder of parts to open")
                .clicked()
                && let Some(path) = rfd::FileDialog::new().pick_folder()
            {
                self.add_paths([path]);
            }
            if !self.queue.is_empty()
                && ui
                    .add_enabled(!busy, egui::Button::new("Clear list"))
                    .on_hover_text("Empty the list and clear the passphrase")
                    .clicked()
            {
                self.clear(ui.ctx());
            }
        });
        ui.add_space(6.0);
        if self.queue.is_empty() {
            empty_drop_zone(ui);
            return;
        }
        let mut remove = None;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for index in 0..self.queue.len() {
                    ui.push_id(index, |ui| {
                        if self.item_ui(ui, index) {
                            remove = Some(index);
                        }
                    });
                    ui.add_space(4.0);
                }
            });
        if let Some(index) = remove {
            self.queue.remove(index);
        }
    }

    /// One queue line. Returns true when Remove was pressed.
    fn item_ui(&self, ui: &mut egui::Ui, index: usize) -> bool {
        let item = &self.queue[index];
        let mut remove = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                let action = RichText::new(item.action.label()).strong();
                ui.label(match item.action {
                    Action::Seal => action.color(ui.visuals().hyperlink_color),
                    Action::Open | Action::OpenAge { .. } => {
                        action.color(Color32::from_rgb(80, 170, 90))
                    }
                    Action::Unsupported(_) => action,
                });
                ui.label(RichText::new(item.name()).strong());
                let about: Vec<String> = item
                    .kind
                    .iter()
                    .cloned()
                    .chain(item.size.map(units::size))
                    .collect();
                if !about.is_empty() {
                    ui.label(RichText::new(about.join(", ")).weak());
                }
                ui.with_layout(
                    egui::Layout::right_to_left(egui::Align::Center),
                    |ui| match &item.status {
                        Status::Waiting | Status::Running => {
                            let progress = self.batch.as_ref().and_then(|b| b.progress(index));
                            let cancelling = progress.is_some_and(|p| p.is_cancelled());
                            if ui
                                .add_enabled(!cancelling, egui::Button::new("Cancel"))
                                .on_hover_text(format!("Stop {} and write nothing", item.name()))
                                .clicked()
                                && let Some(progress) = progress
                            {
                                progress.cancel();
                            }
                        }
                        _ => {
                            if self.batch.is_none()
                                && ui
                                    .button("Remove")
                                    .on_hover_text(format!("Remove {} from the list", item.name()))
                                    .clicked()
                            {
                                remove = true;
                            }
                        }
                    },
                );
            });
            match &item.destination {
                Destination::Sealed { folder, name } => {
                    let text = sealed_destination(
                        &self.shown_path(folder),
                        name,
                        &self.settings.shape(),
                        self.settings.split,
                    );
                    ui.label(RichText::new(format!("Result: {text}")).weak());
                }
                Destination::Folder(folder) => {
                    let text = if let Some(name) = &item.result_name {
                        self.shown_path(&folder.join(name))
                    } else {
                        format!(
                            "into {}/ (under the name stored inside)",
                            self.shown_path(folder)
                        )
                    };
                    ui.label(RichText::new(format!("Result: {text}")).weak());
                }
                Destination::None => {}
            }
            self.status_ui(ui, index, item);
        });
        remove
    }

    fn status_ui(&self, ui: &mut egui::Ui, index: usize, item: &Item) {
        match &item.status {
            Status::Queued => {
                ui.label("Ready");
            }
            Status::Waiting => {
                ui.label("Waiting");
            }
            Status::Running => {
                let progress = self.batch.as_ref().and_then(|b| b.progress(index));
                let fraction = progress.map_or(0.0, |p| p.fraction());
                let text = match progress {
                    Some(p) if p.is_cancelled() => "Cancelling…".to_owned(),
                    Some(p) if p.done() == 0 && item.action == Action::Seal => {
                        "Deriving the key…".to_owned()
                    }
                    Some(p) if p.done() == 0 && item.action.needs_passphrase() => {
                        "Checking the passphrase…".to_owned()
                    }
                    Some(p) if p.done() == 0 => "Checking the key…".to_owned(),
                    _ => format!("{:.0}%", fraction * 100.0),
                };
                ui.add(egui::ProgressBar::new(fraction).text(text));
            }
            Status::Done(path) => {
                ui.horizontal(|ui| {
                    let verb = if item.action == Action::Seal {
                        "Sealed"
                    } else {
                        "Opened"
                    };
                    ui.label(
                        RichText::new(format!("{verb}: {}", self.shown_path(path)))
                            .color(Color32::from_rgb(80, 170, 90)),
                    );
                    if ui
                        .button("Show in folder")
                        .on_hover_text("Open the folder that holds the result")
                        .clicked()
                    {
                        reveal(path.clone());
                    }
                });
            }
            Status::Failed(message) => {
                ui.label(RichText::new(message).color(ui.visuals().error_fg_color));
            }
            Status::Cancelled => {
                ui.label("Cancelled: nothing was written.");
            }
        }
    }

    fn passphrase_ui(&mut self, ui: &mut egui::Ui) {
        ui.heading("Protect with a passphrase");
        ui.add_space(4.0);
        let label = ui.label("Passphrase");
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut *self.passphrase)
                    .id(Id::unique(PASSPHRASE_ID))
                    .password(!self.show_passphrase)
                    .desired_width(f32::INFINITY)
                    .hint_text("at least five words"),
            )
            .labelled_by(label.id);
        if response.changed() {
            self.strength = estimate(&self.passphrase);
        }
        ui.checkbox(&mut self.show_passphrase, "Show passphrase");
        if self.has_pending_seal() {
            let label = ui.label("Confirm passphrase");
            ui.add(
                egui::TextEdit::singleline(&mut *self.confirm)
                    .id(Id::unique(CONFIRM_ID))
                    .password(!self.show_passphrase)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
            if !self.confirm.is_empty() && *self.confirm != *self.passphrase {
                ui.label(
                    RichText::new("The two passphrases differ.").color(ui.visuals().warn_fg_color),
                );
            }
        }
        self.strength_ui(ui);
        ui.add_space(4.0);
        if ui
            .button("Generate")
            .on_hover_text(
                "Make a strong passphrase of six random words and copy it to the clipboard",
            )
            .clicked()
        {
            self.generate(ui.ctx());
        }
    }

    fn strength_ui(&self, ui: &mut egui::Ui) {
        let Some(strength) = &self.strength else {
            return;
        };
        let color = match strength.score {
            0 | 1 => ui.visuals().error_fg_color,
            2 => ui.visuals().warn_fg_color,
            _ => Color32::from_rgb(80, 170, 90),
        };
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(strength.fraction())
                    .fill(color)
                    .desired_width(120.0),
            );
            ui.label(format!("Strength: {}", strength.label));
        });
        if let Some(hint) = &strength.hint {
            ui.label(RichText::new(hint).small());
        }
    }

    fn options_ui(&mut self, ui: &mut egui::Ui) {
        ui.heading("Options");
        ui.add_space(4.0);
        let mut settings = self.settings.clone();

        ui.label("Output folder");
        let shown = match &settings.output_dir {
            Some(dir) => self.shown_path(dir),
            None => "beside each file".into(),
        };
        ui.label(RichText::new(shown).weak());
        ui.horizontal(|ui| {
            if ui
                .button("Choose output folder…")
                .on_hover_text("Put every result into one folder")
                .clicked()
                && let Some(dir) = rfd::FileDialog::new().pick_folder()
            {
                settings.output_dir = Some(dir);
            }
            if settings.output_dir.is_some()
                && ui
                    .button("Beside each file")
                    .on_hover_text("Put each result in the folder of its input")
                    .clicked()
            {
                settings.output_dir = None;
            }
        });
        ui.add_space(4.0);

        let mut preset = settings.preset();
        egui::ComboBox::from_label("Key derivation")
            .selected_text(preset_text(preset))
            .show_ui(ui, |ui| {
                for choice in KdfPreset::ALL {
                    ui.selectable_value(&mut preset, choice, preset_text(choice));
                }
            })
            .response
            .on_hover_text(
                "How much work turns the passphrase into a key when sealing. More work \
                 makes guessing slower for an attacker, and opening slower for the \
                 recipient. Opening always uses what the sealed file says.",
            );
        settings.set_preset(preset);

        ui.checkbox(&mut settings.overwrite, "Replace existing files")
            .on_hover_text("Overwrite a result file that already exists instead of refusing");
        ui.checkbox(
            &mut self.allow_expensive_kdf,
            "Allow expensive key derivation",
        )
        .on_hover_text(
            "Open files that ask for more than 2 GiB of memory or 16 passes. \
             Only for files you trust: a hostile file could ask for far more.",
        );

        ui.add_space(6.0);
        ui.label(RichText::new("For the chat").strong());
        ui.checkbox(&mut settings.hide_name, "Hide file names")
            .on_hover_text(
                "Sealed files get a random name like k3v9x2qa.tgseal, so the chat does \
                 not show what you sent. The real name is inside and comes back when \
                 the file is opened.",
            );
        egui::ComboBox::from_label("Split into parts")
            .selected_text(settings.split.label())
            .show_ui(ui, |ui| {
                for choice in Split::ALL {
                    ui.selectable_value(&mut settings.split, choice, choice.label());
                }
            })
            .response
            .on_hover_text(
                "Telegram refuses files over 2 GB (4 GB with Premium, 50 MB from a bot). \
                 Split cuts the sealed file into numbered parts that fit; dropping any \
                 one part here opens the whole file.",
            );
        ui.checkbox(&mut settings.pad, "Pad the size")
            .on_hover_text(
                "Add padding (Padm\u{e9}, under 12 %) so the exact size of a file does not \
                 show. Folders cannot be padded: their size is only known once archived.",
            );
        if settings.split != Split::Off {
            // Parts are binary; armor is for a sealed file sent as text.
            settings.armor = false;
        }
        ui.add_enabled(
            settings.split == Split::Off,
            egui::Checkbox::new(&mut settings.armor, "Write as text"),
        )
        .on_hover_text(
            "Armored text (.tgseal.txt, about a third larger) for channels that only \
             carry text. Not with split parts.",
        )
        .on_disabled_hover_text("Split parts are always binary files.");

        ui.add_space(6.0);
        ui.label(RichText::new("age files").strong());
        let shown = match &settings.age_identity {
            Some(path) => self.shown_path(path),
            None => "No identity file: age files with a passphrase still open.".into(),
        };
        ui.label(RichText::new(shown).weak());
        ui.horizontal(|ui| {
            if ui
                .button("Choose identity file\u{2026}")
                .on_hover_text(
                    "The private key file (from age-keygen or tgseal keygen, or an SSH \
                     key) that opens age files encrypted to your public key",
                )
                .clicked()
                && let Some(path) = rfd::FileDialog::new().pick_file()
            {
                settings.age_identity = Some(path);
            }
            if settings.age_identity.is_some()
                && ui
                    .button("Forget identity file")
                    .on_hover_text("Stop using the identity file (the file itself stays)")
                    .clicked()
            {
                settings.age_identity = None;
            }
        });

        if settings != self.settings {
            self.set_settings(settings);
        }
    }

    fn actions_ui(&mut self, ui: &mut egui::Ui) {
        ui.add_space(6.0);
        if let Some(batch) = &self.batch {
            let (done, total) = batch.totals();
            let fraction = if total == 0 {
                0.0
            } else {
                (done as f64 / total as f64).clamp(0.0, 1.0) as f32
            };
            let mut text = format!("{:.0}% of {}", fraction * 100.0, units::size(total));
            let elapsed = batch.elapsed().as_secs_f64();
            if !self.hooks.stable_display && elapsed > 0.5 && done > 0 {
                let speed = done as f64 / elapsed;
                // An en dash: egui's bundled font has it (arrows and check marks it lacks).
                let left = total.saturating_sub(done) as f64 / speed;
                text.push_str(&format!(
                    " — {}/s — about {} left",
                    units::size(speed as u64),
                    units::duration(Duration::from_secs_f64(left))
                ));
            }
            ui.add(egui::ProgressBar::new(fraction).text(text));
        }
        ui.horizontal(|ui| {
            let blocker = self.start_blocker();
            let start = ui
                .add_enabled(
                    blocker.is_none(),
                    egui::Button::new(RichText::new(self.start_label()).strong()),
                )
                .on_hover_text("Seal or open every file in the list that is ready");
            if start.clicked() {
                self.start(ui.ctx());
            }
            if let Some(batch) = &self.batch
                && ui
                    .button("Cancel all")
                    .on_hover_text("Stop every job; nothing partial is left behind")
                    .clicked()
            {
                batch.cancel_all();
            }
            if let Some(reason) = blocker
                && self.batch.is_none()
            {
                ui.label(RichText::new(reason).weak());
            }
        });
        if let Some(notice) = &self.notice {
            let text = RichText::new(&notice.text);
            ui.label(if notice.is_error {
                text.color(ui.visuals().error_fg_color)
            } else {
                text
            });
        }
        ui.add_space(6.0);
    }

    /// Draws the whole window; `eframe::App::ui` calls it.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_worker(&ctx);
        // Files dropped while a batch runs join the list for the next Start.
        self.take_dropped_files(&ctx);
        egui::Panel::top("header").show(ui, |ui| self.header_ui(ui));
        egui::Panel::bottom("actions").show(ui, |ui| self.actions_ui(ui));
        egui::Panel::right("passphrase")
            .resizable(false)
            .exact_size(SIDE_PANEL_WIDTH)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    ui.add_space(6.0);
                    let busy = self.batch.is_some();
                    ui.add_enabled_ui(!busy, |ui| {
                        self.passphrase_ui(ui);
                        ui.separator();
                        self.options_ui(ui);
                    });
                });
            });
        egui::CentralPanel::default().show(ui, |ui| self.queue_ui(ui));
        drop_highlight(&ctx);
        if self.batch.is_some() {
            // Progress lives in atomics: look again soon even without events.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }
}

impl eframe::App for TgsealApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // Only the settings: the passphrase is not part of them.
        eframe::set_value(storage, STORAGE_KEY, &self.settings);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Dropping the batch cancels it and waits: no temporary file outlives us.
        self.batch = None;
        self.passphrase.zeroize();
        self.confirm.zeroize();
    }

    fn persist_egui_memory(&self) -> bool {
        // egui's memory holds widget state, text fields included: keep it off disk.
        false
    }
}

fn preset_text(preset: KdfPreset) -> &'static str {
    match preset {
        KdfPreset::Interactive => "Fast (64 MiB)",
        KdfPreset::Default => "Standard (256 MiB)",
        KdfPreset::Paranoid => "Paranoid (1 GiB)",
    }
}

/// Where a sealed file will go, in words: the folder, and the name unless the
/// options replace it (a random name) or extend it (part numbers, `.txt`).
fn sealed_destination(folder: &str, name: &str, shape: &ShapeOptions, split: Split) -> String {
    let name = shape.armored_name(name);
    let mut text = if shape.hide_name {
        format!("{folder}/ under a random name (the real one stays inside)")
    } else if shape.split.is_some() {
        format!("{folder}/{name}.001, .002\u{2026}")
    } else {
        format!("{folder}/{name}")
    };
    if shape.split.is_some() {
        text.push_str(&format!(", {}", split.label().to_lowercase()));
    }
    text
}

fn empty_drop_zone(ui: &mut egui::Ui) {
    let size = ui.available_size();
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let stroke = egui::Stroke::new(2.0, ui.visuals().weak_text_color());
    ui.painter()
        .rect_stroke(rect.shrink(4.0), 12.0, stroke, egui::StrokeKind::Inside);
    ui.painter().text(
        rect.center() - egui::vec2(0.0, 14.0),
        Align2::CENTER_CENTER,
        "Drop files here",
        FontId::proportional(22.0),
        ui.visuals().text_color(),
    );
    ui.painter().text(
        rect.center() + egui::vec2(0.0, 16.0),
        Align2::CENTER_CENTER,
        "Files and folders are sealed; sealed files, their parts and age files are opened.",
        FontId::proportional(14.0),
        ui.visuals().weak_text_color(),
    );
}

/// While files hover over the window: a highlight over everything.
fn drop_highlight(ctx: &egui::Context) {
    if ctx.input(|i| i.raw.hovered_files.is_empty()) {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        Id::unique("drop-highlight"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(200));
    painter.rect_stroke(
        rect.shrink(8.0),
        12.0,
        egui::Stroke::new(3.0, Color32::from_rgb(90, 160, 255)),
        egui::StrokeKind::Inside,
    );
    painter.text(
        rect.center(),
        Align2::CENTER_CENTER,
        "Drop files to seal or open",
        FontId::proportional(30.0),
        Color32::WHITE,
    );
}

/// Opens the folder holding `path` with the file manager, selecting it where the
/// platform can. Off the UI thread: it talks to the desktop over D-Bus.
fn reveal(path: PathBuf) {
    let _ = std::thread::Builder::new()
        .name("tgseal-reveal".into())
        .spawn(move || {
            if opener::reveal(&path).is_err()
                && let Some(parent) = path.parent()
            {
                let _ = opener::open(parent);
            }
        });
}
