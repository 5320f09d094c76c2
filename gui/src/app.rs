//! The app: one struct of state ([`TgsealApp`]) and the frame that lays out the
//! panels. What changes the state lives in `controller.rs`, what draws it in
//! `panels/`; long work never runs here: [`crate::worker`] does it and the app
//! only reads its progress.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use eframe::egui;
use tgseal_core::KdfParams;
use zeroize::{Zeroize, Zeroizing};

use crate::controller::Notice;
use crate::panels;
use crate::queue::Item;
use crate::settings::{STORAGE_KEY, Settings};
use crate::strength::Strength;
use crate::worker::Batch;

/// Room reserved up front in the passphrase buffers, so typing does not make the
/// `String` reallocate (each reallocation would leave an unzeroized copy behind).
const PASSPHRASE_CAPACITY: usize = 512;

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
    /// See [`crate::worker::BatchOptions::hold`].
    pub hold: Option<Arc<AtomicBool>>,
}

/// The whole state of the app. The fields are the crate's to read: the panels
/// draw them and the controller changes them.
pub struct TgsealApp {
    /// The options the user chose; they persist between runs.
    pub(crate) settings: Settings,
    pub(crate) passphrase: Zeroizing<String>,
    pub(crate) confirm: Zeroizing<String>,
    pub(crate) show_passphrase: bool,
    /// The meter's reading of `passphrase`, updated when it changes (scoring
    /// every frame would be wasted work).
    pub(crate) strength: Option<Strength>,
    /// Not a setting: it must be chosen again in every run, for files one trusts.
    pub(crate) allow_expensive_kdf: bool,
    pub(crate) queue: Vec<Item>,
    /// The running batch; `None` when idle.
    pub(crate) batch: Option<Batch>,
    pub(crate) notice: Option<Notice>,
    pub(crate) hooks: Hooks,
    /// Files that later starts of the app handed over (see [`crate::instance`]).
    pub(crate) inbox: Option<crate::instance::Inbox>,
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
            inbox: None,
        }
    }

    /// Lists the files later starts hand over through `inbox`, and brings the
    /// window to the front when they do.
    pub fn with_inbox(mut self, inbox: crate::instance::Inbox) -> Self {
        self.inbox = Some(inbox);
        self
    }

    /// The settings (they persist; the passphrase does not).
    pub fn settings(&self) -> &Settings {
        &self.settings
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

    /// Draws the whole window; `eframe::App::ui` calls it.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_worker(&ctx);
        // Files dropped while a batch runs join the list for the next Start.
        self.take_dropped_files(&ctx);
        self.take_handed_over(&ctx);
        // Panels claim their room in the order they are added: the central
        // panel (the list) comes last and gets what is left.
        egui::Panel::top("header").show(ui, panels::header_ui);
        egui::Panel::bottom("actions").show(ui, |ui| self.actions_ui(ui));
        egui::Panel::right("passphrase")
            .resizable(false)
            .exact_size(SIDE_PANEL_WIDTH)
            .show(ui, |ui| self.side_panel_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| self.file_list_ui(ui));
        panels::drop_highlight(&ctx);
        if self.batch.is_some() {
            // Progress lives in atomics: look again soon even without events.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    /// Lists what later starts of the app handed over (a double-clicked
    /// sealed file while the window is open), like dropped files.
    fn take_handed_over(&mut self, ctx: &egui::Context) {
        let Some(inbox) = &self.inbox else { return };
        let handed: Vec<Vec<PathBuf>> = inbox.try_iter().collect();
        if handed.is_empty() {
            return;
        }
        self.add_paths(handed.into_iter().flatten());
        ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
    }

    /// The passphrase and the options, locked while a batch runs (it was
    /// started with them).
    fn side_panel_ui(&mut self, ui: &mut egui::Ui) {
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.add_space(6.0);
            let busy = self.batch.is_some();
            ui.add_enabled_ui(!busy, |ui| {
                self.passphrase_ui(ui);
                ui.separator();
                self.options_ui(ui);
            });
        });
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
