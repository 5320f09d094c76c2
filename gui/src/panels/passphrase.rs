//! The passphrase: the field, its confirmation when sealing, the strength
//! meter, Generate (with the new passphrase shown in full until it is
//! saved), and Copy passphrase. When the list only opens files, only what
//! opening needs is shown.

use eframe::egui::{self, Id, Key, RichText};

use crate::app::TgsealApp;
use crate::strength::Strength;

/// The text fields' ids: fixed, so a wipe can also reset their undo history.
pub(crate) const PASSPHRASE_ID: &str = "passphrase";
pub(crate) const CONFIRM_ID: &str = "passphrase-confirm";

impl TgsealApp {
    pub(crate) fn passphrase_ui(&mut self, ui: &mut egui::Ui) {
        let (seals, _) = self.modes();
        let confirm = self.has_pending_seal();
        ui.heading(if seals {
            "Protect with a passphrase"
        } else {
            "Unlock with the passphrase"
        });
        if self.has_pending_seal() && self.in_scope_opens() {
            ui.label(
                RichText::new("The same passphrase seals and opens every file in the list.").weak(),
            );
        }
        ui.add_space(4.0);
        let label = ui.label("Passphrase");
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut *self.passphrase)
                    .id(Id::unique(PASSPHRASE_ID))
                    .password(!self.show_passphrase)
                    .desired_width(f32::INFINITY)
                    .hint_text(if seals {
                        "at least five words"
                    } else {
                        "the passphrase the sender gave you"
                    }),
            )
            .labelled_by(label.id);
        if response.changed() {
            self.passphrase_changed();
        }
        self.enter_starts(ui, &response);
        // The confirmation comes right after the passphrase, before any
        // other control: Tab goes from one field to the other.
        if confirm {
            self.confirm_ui(ui);
        }
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.show_passphrase, "Show passphrase");
            if !self.passphrase.is_empty()
                && ui
                    .button("Copy passphrase")
                    .on_hover_text("Copy the passphrase to the clipboard")
                    .clicked()
            {
                let text = self.passphrase.clone();
                self.copy_passphrase(ui.ctx(), &text);
            }
        });
        if seals && let Some(strength) = &self.strength {
            strength_ui(ui, strength);
        }
        if seals {
            ui.add_space(4.0);
            self.generate_ui(ui);
        }
        self.generated_ui(ui);
    }

    /// The second field, and a warning while the two differ.
    fn confirm_ui(&mut self, ui: &mut egui::Ui) {
        let label = ui.label("Confirm passphrase");
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut *self.confirm)
                    .id(Id::unique(CONFIRM_ID))
                    .password(!self.show_passphrase)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        self.enter_starts(ui, &response);
        if !self.confirm.is_empty() && *self.confirm != *self.passphrase {
            ui.label(
                RichText::new("The two passphrases differ.").color(ui.visuals().warn_fg_color),
            );
        }
    }

    /// Enter in a passphrase field starts the batch when it can (else the
    /// reason shows beside Start); Tab from the last field goes to Start.
    fn enter_starts(&mut self, ui: &mut egui::Ui, response: &egui::Response) {
        if response.lost_focus()
            && ui.input(|i| i.key_pressed(Key::Enter))
            && self.start_blocker().is_none()
        {
            self.start(ui.ctx());
        }
    }

    /// Generate, asking first when it would replace a typed passphrase.
    fn generate_ui(&mut self, ui: &mut egui::Ui) {
        if self.confirm_generate {
            ui.label("Replace the passphrase you typed with a new one?");
            ui.horizontal(|ui| {
                if ui.button("Replace with a new passphrase").clicked() {
                    self.generate();
                }
                if ui.button("Keep mine").clicked() {
                    self.confirm_generate = false;
                }
            });
            return;
        }
        if ui
            .button("Generate")
            .on_hover_text("Make a strong passphrase of six random words")
            .clicked()
        {
            self.generate();
        }
    }

    /// A generated passphrase, in full and wrapped (never clipped), until
    /// the user says it is saved.
    fn generated_ui(&mut self, ui: &mut egui::Ui) {
        let Some(generated) = &self.generated else {
            return;
        };
        let mut copy = false;
        let mut saved = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new("Your new passphrase").strong());
            ui.add(
                egui::Label::new(RichText::new(generated.as_str()).monospace().size(16.0)).wrap(),
            );
            ui.label(
                "Save it, and send it to the recipient through a different channel than \
                 the file (a call, another messenger), never in the same chat.",
            );
            ui.horizontal(|ui| {
                copy = ui.button("Copy passphrase").clicked();
                saved = ui
                    .button("I have saved it")
                    .on_hover_text("Stop showing the passphrase")
                    .clicked();
            });
        });
        if copy && let Some(text) = self.generated.clone() {
            self.copy_passphrase(ui.ctx(), &text);
        }
        if saved {
            self.forget_generated();
        }
    }
}

/// The meter: a bar in red, amber or green, one word, and advice when weak.
fn strength_ui(ui: &mut egui::Ui, strength: &Strength) {
    let color = match strength.score {
        0 | 1 => ui.visuals().error_fg_color,
        2 => ui.visuals().warn_fg_color,
        _ => super::success_color(ui.visuals()),
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
        ui.label(hint.as_str());
    }
}
