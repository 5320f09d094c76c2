//! The path field shown when no file dialog can be: no desktop portal, no
//! zenity, no kdialog (a bare window manager, a remote session). The user
//! types or pastes the path; the app says why it asks.

use std::path::PathBuf;

use eframe::egui::{self, RichText};

use crate::app::TgsealApp;
use crate::desktop::{self, Pick, Picked};

/// What a path is chosen for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    AddFiles,
    AddFolder,
    OutputFolder,
    Identity,
}

impl Purpose {
    fn pick(self) -> (Pick, &'static str) {
        match self {
            Purpose::AddFiles => (Pick::Files, "Files to seal or open"),
            Purpose::AddFolder => (Pick::Folder, "A folder to seal or open"),
            Purpose::OutputFolder => (Pick::Folder, "Output folder"),
            Purpose::Identity => (Pick::File, "age identity file"),
        }
    }
}

/// The typed path, while the field is shown.
pub(crate) struct PathEntry {
    purpose: Purpose,
    text: String,
    why: String,
    problem: Option<String>,
}

impl TgsealApp {
    /// Shows the file dialog for `purpose`, or the path field when there is
    /// none, and applies what was chosen.
    pub(crate) fn choose_path(&mut self, purpose: Purpose) {
        let (what, title) = purpose.pick();
        match desktop::pick(&self.desktop, what, title) {
            Picked::Chosen(paths) => self.apply_paths(purpose, paths),
            Picked::Cancelled => {}
            Picked::NoDialog(why) => {
                self.path_entry = Some(PathEntry {
                    purpose,
                    text: String::new(),
                    why,
                    problem: None,
                });
            }
        }
    }

    fn apply_paths(&mut self, purpose: Purpose, paths: Vec<PathBuf>) {
        let mut settings = self.settings.clone();
        match purpose {
            Purpose::AddFiles | Purpose::AddFolder => return self.add_paths(paths),
            Purpose::OutputFolder => settings.output_dir = paths.into_iter().next(),
            Purpose::Identity => settings.age_identity = paths.into_iter().next(),
        }
        self.set_settings(settings);
    }

    /// The path field, over the window while it is open.
    pub(crate) fn path_entry_ui(&mut self, ctx: &egui::Context) {
        let Some(entry) = &mut self.path_entry else {
            return;
        };
        let mut close = false;
        let mut chosen = None;
        egui::Window::new("Type a path")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                ui.label(&entry.why);
                let several = entry.purpose == Purpose::AddFiles;
                let label = ui.label(if several {
                    "Paths, one per line"
                } else {
                    "Path"
                });
                let field = if several {
                    egui::TextEdit::multiline(&mut entry.text).desired_rows(3)
                } else {
                    egui::TextEdit::singleline(&mut entry.text)
                };
                let response = ui
                    .add(
                        field
                            .desired_width(420.0)
                            .hint_text("~/Documents/report.pdf"),
                    )
                    .labelled_by(label.id);
                let entered = !several
                    && response.lost_focus()
                    && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if let Some(problem) = &entry.problem {
                    ui.label(RichText::new(problem).color(ui.visuals().error_fg_color));
                }
                ui.horizontal(|ui| {
                    if ui.button("Use this path").clicked() || entered {
                        let paths = desktop::paths_from_lines(&entry.text);
                        // A new output folder is created at Start.
                        let missing = paths
                            .iter()
                            .find(|p| entry.purpose != Purpose::OutputFolder && !p.exists());
                        entry.problem = match (paths.is_empty(), missing) {
                            (true, _) => Some("Type a path first.".into()),
                            (false, Some(path)) => Some(format!(
                                "Nothing is at {}.",
                                tgseal_core::untrusted::escape_path(path)
                            )),
                            (false, None) => {
                                chosen = Some((entry.purpose, paths));
                                None
                            }
                        };
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
        if let Some((purpose, paths)) = chosen {
            self.path_entry = None;
            self.apply_paths(purpose, paths);
        } else if close {
            self.path_entry = None;
        }
    }
}
