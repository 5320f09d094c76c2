//! One line of the list: what happens to the file, where the result goes, and
//! how far it got.

use std::path::{Path, PathBuf};

use eframe::egui::{self, RichText};
use tgseal_workflow::ShapeOptions;

use crate::app::TgsealApp;
use crate::queue::{Action, Destination, Item, OnExists, Status};
use crate::settings::Split;
use crate::units;

/// What a button on a line asks for; applied after the list is drawn (the
/// list must not change while it is drawn).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LineAction {
    Remove,
    Retry,
    /// Replace or Keep both (`Some`), or Skip (`None`).
    Exists(Option<OnExists>),
    Reveal(PathBuf),
    Send,
    CopyText,
}

impl TgsealApp {
    /// One queue line, and what its buttons asked for.
    pub(super) fn item_ui(&self, ui: &mut egui::Ui, index: usize) -> Option<LineAction> {
        let item = &self.queue[index];
        let mut action = None;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                item_title_ui(ui, item);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    action = self.item_button_ui(ui, index, item);
                });
            });
            // A finished line says where its result is; the plan is for the others.
            if !matches!(item.status, Status::Done(_))
                && let Some(text) = self.result_text(item)
            {
                ui.label(RichText::new(format!("Result: {text}")).weak());
            }
            if let Some(chosen) = self.status_ui(ui, index, item) {
                action = Some(chosen);
            }
        });
        action
    }

    /// Cancel while the item is in the batch, else Remove (not while a batch
    /// runs).
    fn item_button_ui(&self, ui: &mut egui::Ui, index: usize, item: &Item) -> Option<LineAction> {
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
            return None;
        }
        let remove = self.batch.is_none()
            && ui
                .button("Remove")
                .on_hover_text(format!("Remove {} from the list", item.name()))
                .clicked();
        remove.then_some(LineAction::Remove)
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

    /// The last row: ready, a progress bar, the result or the reason it
    /// failed, with what can be done about it.
    fn status_ui(&self, ui: &mut egui::Ui, index: usize, item: &Item) -> Option<LineAction> {
        let error = ui.visuals().error_fg_color;
        let idle = self.batch.is_none();
        let mut action = None;
        match &item.status {
            Status::Queued => {
                ui.label("Ready");
            }
            Status::Waiting => {
                ui.label("Waiting");
            }
            Status::Running => self.job_progress_ui(ui, index, item),
            Status::Done(path) => {
                ui.horizontal_wrapped(|ui| action = self.result_ui(ui, item, path));
            }
            Status::Exists(path) => {
                ui.label(
                    RichText::new(format!(
                        "{} already exists. Replace it, keep both (the new one gets a \
                         numbered name), or skip this file?",
                        self.shown_path(path)
                    ))
                    .color(error),
                );
                ui.horizontal(|ui| {
                    let choices = [
                        (
                            "Replace",
                            Some(OnExists::Replace),
                            "Overwrite the existing file",
                        ),
                        (
                            "Keep both",
                            Some(OnExists::KeepBoth),
                            "Write the new one under a numbered name",
                        ),
                        ("Skip", None, "Leave this file out"),
                    ];
                    for (label, choice, hover) in choices {
                        if ui.button(label).on_hover_text(hover).clicked() {
                            action = Some(LineAction::Exists(choice));
                        }
                    }
                });
            }
            Status::Blocked(reason) => {
                ui.label(RichText::new(reason).color(error));
            }
            Status::Failed(message) => {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(message).color(error));
                    // A line the app could not make sense of (a part whose
                    // siblings are missing, an unreadable file) gets looked
                    // at again, not "tried": nothing ran.
                    let clicked = if matches!(item.action, Action::Unsupported(_)) {
                        idle && check_again_button(ui)
                    } else {
                        idle && retry_button(ui)
                    };
                    if clicked {
                        action = Some(LineAction::Retry);
                    }
                });
            }
            Status::Cancelled | Status::Skipped => {
                let what = if item.status == Status::Skipped {
                    "Skipped"
                } else {
                    "Cancelled"
                };
                ui.horizontal(|ui| {
                    ui.label(format!("{what}: nothing was written."));
                    if idle && retry_button(ui) {
                        action = Some(LineAction::Retry);
                    }
                });
            }
        }
        action
    }

    /// A running job's bar. Until its first bytes it says what takes so long:
    /// deriving or checking the key, which reports no progress of its own.
    fn job_progress_ui(&self, ui: &mut egui::Ui, index: usize, item: &Item) {
        let progress = self.batch.as_ref().and_then(|b| b.progress(index));
        let fraction = progress.map_or(0.0, |p| p.fraction());
        let text = match progress {
            Some(p) if p.is_cancelled() => "Cancelling\u{2026}".to_owned(),
            Some(p) if p.done() == 0 && item.action == Action::Seal => {
                "Deriving the key\u{2026}".to_owned()
            }
            Some(p) if p.done() == 0 && item.action.needs_passphrase() => {
                "Checking the passphrase\u{2026}".to_owned()
            }
            Some(p) if p.done() == 0 => "Checking the key\u{2026}".to_owned(),
            _ => format!("{:.0}%", fraction * 100.0),
        };
        ui.add(egui::ProgressBar::new(fraction).text(text));
    }

    /// A finished item: where its result is, and what can be done with it.
    fn result_ui(&self, ui: &mut egui::Ui, item: &Item, path: &Path) -> Option<LineAction> {
        let sealed = item.action == Action::Seal;
        let verb = if sealed { "Sealed" } else { "Opened" };
        let parts = match item.outputs.len() {
            0 | 1 => String::new(),
            n => format!(" (and {} more parts)", n - 1),
        };
        ui.label(
            RichText::new(format!("{verb}: {}{parts}", self.shown_path(path)))
                .color(super::success_color(ui.visuals())),
        );
        let mut action = None;
        if sealed
            && ui
                .button("Send with Telegram")
                .on_hover_text(
                    "Open Telegram Desktop's share dialog with the sealed file (every part); \
                     pick the chat there",
                )
                .clicked()
        {
            action = Some(LineAction::Send);
        }
        if sealed
            && is_armored(path)
            && ui
                .button("Copy text")
                .on_hover_text("Copy the sealed text, to paste it into a chat as a message")
                .clicked()
        {
            action = Some(LineAction::CopyText);
        }
        if ui
            .button("Show in folder")
            .on_hover_text("Open the folder that holds the result")
            .clicked()
        {
            action = Some(LineAction::Reveal(path.to_path_buf()));
        }
        action
    }
}

/// Whether a sealed result is armored text (`.tgseal.txt`).
fn is_armored(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == tgseal_core::armor::ARMORED_EXTENSION)
}

fn retry_button(ui: &mut egui::Ui) -> bool {
    ui.button("Try again")
        .on_hover_text("Run this file again with the passphrase and options as they are now")
        .clicked()
}

fn check_again_button(ui: &mut egui::Ui) -> bool {
    ui.button("Check again")
        .on_hover_text("Look at the file again, for example once the missing part is there")
        .clicked()
}

/// The action, colored (blue seals, green opens), the name, and what it is.
fn item_title_ui(ui: &mut egui::Ui, item: &Item) {
    let action = RichText::new(item.action.label()).strong();
    ui.label(match item.action {
        Action::Seal => action.color(ui.visuals().hyperlink_color),
        Action::Open | Action::OpenAge { .. } => action.color(super::success_color(ui.visuals())),
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
        text.push_str(&format!(" ({})", split.label()));
    }
    text
}
