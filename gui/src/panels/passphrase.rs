//! The passphrase: the field, its confirmation when sealing, the strength
//! meter, and Generate.

use eframe::egui::{self, Id, RichText};

use super::SUCCESS_GREEN;
use crate::app::TgsealApp;
use crate::strength::Strength;

/// The text fields' ids: fixed, so a wipe can also reset their undo history.
pub(crate) const PASSPHRASE_ID: &str = "passphrase";
pub(crate) const CONFIRM_ID: &str = "passphrase-confirm";

impl TgsealApp {
    pub(crate) fn passphrase_ui(&mut self, ui: &mut egui::Ui) {
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
            self.passphrase_changed();
        }
        ui.checkbox(&mut self.show_passphrase, "Show passphrase");
        // Opening needs no confirmation: a typo there fails without harm.
        if self.has_pending_seal() {
            self.confirm_ui(ui);
        }
        if let Some(strength) = &self.strength {
            strength_ui(ui, strength);
        }
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

    /// The second field, and a warning while the two differ.
    fn confirm_ui(&mut self, ui: &mut egui::Ui) {
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
}

/// The meter: a bar in red, amber or green, one word, and advice when weak.
fn strength_ui(ui: &mut egui::Ui, strength: &Strength) {
    let color = match strength.score {
        0 | 1 => ui.visuals().error_fg_color,
        2 => ui.visuals().warn_fg_color,
        _ => SUCCESS_GREEN,
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
