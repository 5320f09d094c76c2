//! One line of the list: what happens to the file, where the result goes, and
//! how far it got.

use std::path::{Path, PathBuf};

use eframe::egui::{self, RichText};
use tgseal_workflow::ShapeOptions;

use super::SUCCESS_GREEN;
use crate::app::TgsealApp;
use crate::queue::{Action, Destination, Item, Status};
use crate::settings::Split;
use crate::units;

impl TgsealApp {
    /// One queue line. Returns true when Remove was pressed.
    pub(super) fn item_ui(&self, ui: &mut egui::Ui, index: usize) -> bool {
        let item = &self.queue[index];
        let mut remove = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                item_title_ui(ui, item);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    remove = self.item_button_ui(ui, index, item);
                });
            });
            if let Some(text) = self.result_text(item) {
                ui.label(RichText::new(format!("Result: {text}")).weak());
            }
            self.status_ui(ui, index, item);
        });
        remove
    }

    /// Cancel while the item is in the batch, else Remove (not while a batch
    /// runs). Returns true when Remove was pressed.
    fn item_button_ui(&self, ui: &mut egui::Ui, index: usize, item: &Item) -> bool {
        if item.status.is_active() {
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
            return false;
        }
        self.batch.is_none()
            && ui
                .button("Remove")
                .on_hover_text(format!("Remove {} from the list", item.name()))
                .clicked()
    }

    /// Where the result goes, in words; `None` for an item that writes nothing.
    fn result_text(&self, item: &Item) -> Option<String> {
        match &item.destination {
            Destination::Sealed { folder, name } => Some(sealed_destination(
                &self.shown_path(folder),
                name,
                &self.settings.shape(),
                self.settings.split,
            )),
            // Age files store no name, so theirs is known before opening.
            Destination::Folder(folder) => Some(match &item.result_name {
                Some(name) => self.shown_path(&folder.join(name)),
                None => format!(
                    "into {}/ (under the name stored inside)",
                    self.shown_path(folder)
                ),
            }),
            Destination::None => None,
        }
    }

    /// The last row: ready, a progress bar, the result or the reason it failed.
    fn status_ui(&self, ui: &mut egui::Ui, index: usize, item: &Item) {
        match &item.status {
            Status::Queued => {
                ui.label("Ready");
            }
            Status::Waiting => {
                ui.label("Waiting");
            }
            Status::Running => self.job_progress_ui(ui, index, item),
            Status::Done(path) => {
                ui.horizontal(|ui| self.result_ui(ui, item, path));
            }
            Status::Failed(message) => {
                ui.label(RichText::new(message).color(ui.visuals().error_fg_color));
            }
            Status::Cancelled => {
                ui.label("Cancelled: nothing was written.");
            }
        }
    }

    /// A running job's bar. Until its first bytes it says what takes so long:
    /// deriving or checking the key, which reports no progress of its own.
    fn job_progress_ui(&self, ui: &mut egui::Ui, index: usize, item: &Item) {
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

    /// A finished item: where its result is, and a button to show it.
    fn result_ui(&self, ui: &mut egui::Ui, item: &Item, path: &Path) {
        let verb = if item.action == Action::Seal {
            "Sealed"
        } else {
            "Opened"
        };
        ui.label(RichText::new(format!("{verb}: {}", self.shown_path(path))).color(SUCCESS_GREEN));
        if ui
            .button("Show in folder")
            .on_hover_text("Open the folder that holds the result")
            .clicked()
        {
            reveal(path.to_path_buf());
        }
    }
}

/// The action, colored (blue seals, green opens), the name, and what it is.
fn item_title_ui(ui: &mut egui::Ui, item: &Item) {
    let action = RichText::new(item.action.label()).strong();
    ui.label(match item.action {
        Action::Seal => action.color(ui.visuals().hyperlink_color),
        Action::Open | Action::OpenAge { .. } => action.color(SUCCESS_GREEN),
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
