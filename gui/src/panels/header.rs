//! The strip along the top: the name and what the app is for.

use eframe::egui;

pub(crate) fn header_ui(ui: &mut egui::Ui) {
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
