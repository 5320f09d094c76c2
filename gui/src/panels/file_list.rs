//! The central panel: buttons to add files, then the list (or, while it is
//! empty, a drop zone).

use eframe::egui;

use super::drop_zone::empty_drop_zone;
use crate::app::TgsealApp;

impl TgsealApp {
    pub(crate) fn file_list_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| self.list_buttons_ui(ui));
        ui.add_space(6.0);
        if self.queue.is_empty() {
            empty_drop_zone(ui);
            return;
        }
        // Removed after the loop: the list must not change while it is drawn.
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
            self.remove_item(index);
        }
    }

    /// Add files, Add folder, Clear list. The file dialogs are modal: the
    /// window waits for them, as it would for any modal dialog.
    fn list_buttons_ui(&mut self, ui: &mut egui::Ui) {
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
    }
}
