//! The app: one struct of state ([`TgsealApp`]) and the frame that lays out the
//! panels. What changes the state lives in `controller.rs`, what draws it in
//! `panels/`; long work never runs here: [`crate::worker`] does it and the app
//! only reads its progress.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use eframe::egui;
use tgseal_core::KdfParams;
use zeroize::{Zeroize, Zeroizing};

use crate::controller::Notice;
use crate::desktop::{DesktopEnv, Report};
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
    /// The desktop to use (dialogs, file manager, Telegram Desktop) instead
    /// of this process's environment.
    pub desktop: Option<DesktopEnv>,
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
    /// "Replace existing files": not a setting either, off at every start, so
    /// that no later run overwrites a file silently.
    pub(crate) replace_existing: bool,
    /// A generated passphrase, shown in full until the user says it is
    /// saved: the fields are wiped after a batch, this copy is not.
    pub(crate) generated: Option<Zeroizing<String>>,
    /// Generate was pressed over a typed passphrase: ask before replacing it.
    pub(crate) confirm_generate: bool,
    /// The path field shown when no file dialog could be.
    pub(crate) path_entry: Option<crate::panels::PathEntry>,
    /// Where the desktop helpers' threads report (Show in folder).
    pub(crate) reports: (Sender<Report>, Receiver<Report>),
    pub(crate) desktop: DesktopEnv,
    /// The Start button, for the Tab from the last passphrase field.
    pub(crate) start_id: Option<egui::Id>,
    /// The window was asked to close while a batch runs: ask first.
    pub(crate) confirm_close: bool,
    /// "Stop and quit" was pressed: let the window close.
    pub(crate) close_confirmed: bool,
    /// The theme last installed in egui (installed again when it changes).
    pub(crate) applied_theme: Option<crate::theme::ThemeChoice>,
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
        Self::with_settings(
            storage
                .and_then(|s| eframe::get_value::<Settings>(s, STORAGE_KEY))
                .unwrap_or_default(),
            hooks,
        )
    }

    fn with_settings(settings: Settings, hooks: Hooks) -> Self {
        TgsealApp {
            settings,
            passphrase: Zeroizing::new(String::with_capacity(PASSPHRASE_CAPACITY)),
            confirm: Zeroizing::new(String::with_capacity(PASSPHRASE_CAPACITY)),
            show_passphrase: false,
            strength: None,
            allow_expensive_kdf: false,
            replace_existing: false,
            generated: None,
            confirm_generate: false,
            path_entry: None,
            reports: channel(),
            desktop: hooks.desktop.clone().unwrap_or_else(DesktopEnv::from_env),
            start_id: None,
            confirm_close: false,
            close_confirmed: false,
            applied_theme: None,
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

    /// The generated passphrase while it is shown (until "I have saved it").
    pub fn generated_passphrase(&self) -> Option<&str> {
        self.generated.as_deref().map(String::as_str)
    }

    /// Whether both passphrase fields are empty (as after a wipe).
    pub fn passphrase_is_wiped(&self) -> bool {
        self.passphrase.is_empty() && self.confirm.is_empty()
    }

    /// Draws the whole window; `eframe::App::ui` calls it.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if self.applied_theme != Some(self.settings.theme) {
            crate::theme::apply(&ctx, self.settings.theme);
            self.applied_theme = Some(self.settings.theme);
        }
        self.poll_worker(&ctx);
        self.take_reports();
        self.ask_before_closing(&ctx);
        self.tab_to_start(&ctx);
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
        self.path_entry_ui(&ctx);
        self.close_dialog_ui(&ctx);
        panels::drop_highlight(&ctx);
        crate::theme::focus_ring(&ctx);
        if self.batch.is_some() {
            // Progress lives in atomics: look again soon even without events.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    /// Closing the window while a batch runs asks first ("Stop and quit"
    /// cancels the jobs, which leave nothing behind, as closing always did).
    fn ask_before_closing(&mut self, ctx: &egui::Context) {
        if self.batch.is_some()
            && !self.close_confirmed
            && ctx.input(|i| i.viewport().close_requested())
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm_close = true;
        }
    }

    fn close_dialog_ui(&mut self, ctx: &egui::Context) {
        if !self.confirm_close {
            return;
        }
        if self.batch.is_none() {
            // The batch ended while the question was open: nothing to lose.
            self.confirm_close = false;
            return;
        }
        egui::Window::new("Quit while working?")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                ui.label(
                    "Files are still being sealed or opened. Quitting stops them; \
                     nothing partial is left behind.",
                );
                ui.horizontal(|ui| {
                    if ui.button("Stop and quit").clicked() {
                        self.close_confirmed = true;
                        self.confirm_close = false;
                        if let Some(batch) = &self.batch {
                            batch.cancel_all();
                        }
                        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                    if ui.button("Keep working").clicked() {
                        self.confirm_close = false;
                    }
                });
            });
    }

    /// Tab from the last passphrase field goes to Start (when Start can
    /// run): the main action is one key away, not fifteen. Done before any
    /// widget runs, while egui has only noted the Tab.
    fn tab_to_start(&mut self, ctx: &egui::Context) {
        let last_field = if self.has_pending_seal() {
            crate::panels::CONFIRM_ID
        } else {
            crate::panels::PASSPHRASE_ID
        };
        let Some(start) = self.start_id else { return };
        let tab = ctx.input(|i| {
            i.events.iter().any(|e| {
                matches!(e, egui::Event::Key { key: egui::Key::Tab, pressed: true, modifiers, .. } if modifiers.is_none())
            })
        });
        if tab
            && self.start_blocker().is_none()
            && ctx.memory(|m| m.has_focus(egui::Id::unique(last_field)))
        {
            ctx.memory_mut(|m| {
                m.move_focus(egui::FocusDirection::None);
                m.request_focus(start);
            });
            ctx.input_mut(|i| {
                i.events.retain(|e| {
                    !matches!(
                        e,
                        egui::Event::Key {
                            key: egui::Key::Tab,
                            ..
                        }
                    )
                });
            });
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
        if let Some(generated) = &mut self.generated {
            generated.zeroize();
        }
    }

    fn persist_egui_memory(&self) -> bool {
        // egui's memory holds widget state, text fields included: keep it off disk.
        false
    }
}
