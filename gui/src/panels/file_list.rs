//! The central panel: buttons to add files, then the list (or, while it is
//! empty, a drop zone).

use eframe::egui;

use super::drop_zone::empty_drop_zone;
use super::list_item::LineAction;
use super::path_entry::Purpose;
use crate::app::TgsealApp;

impl TgsealApp {
    pub(crate) fn file_list_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| self.list_buttons_ui(ui));
        ui.add_space(6.0);
        if self.queue.is_empty() {
            empty_drop_zone(ui);
            return;
        }
        // Applied after the loop: the list must not change while it is drawn.
        let mut chosen = None;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for index in 0..self.queue.len() {
                    ui.push_id(index, |ui| {
                        if let Some(action) = self.item_ui(ui, index) {
                            chosen = Some((index, action));
                        }
                    });
                    ui.add_space(4.0);
                }
            });
        if let Some((index, action)) = chosen {
            self.apply_line_action(ui.ctx(), index, action);
        }
    }

    fn apply_line_action(&mut self, ctx: &egui::Context, index: usize, action: LineAction) {
        match action {
            LineAction::Remove => self.remove_item(index),
            LineAction::Retry => self.retry(index, ctx),
            LineAction::Exists(choice) => self.choose_on_exists(index, choice),
            LineAction::Reveal(path) => self.show_in_folder(&path),
            LineAction::Send => self.send_to_telegram(&[index]),
            LineAction::CopyText => self.copy_armored_text(ctx, index),
        }
    }

    /// Add files, Add folder, Clear list. The file dialogs are modal: the
    /// window waits for them, as it would for any modal dialog.
    fn list_buttons_ui(&mut self, ui: &mut egui::Ui) {
        let busy = self.batch.is_some();
        if ui
            .button("Add files\u{2026}")
            .on_hover_text("Choose files to seal, or sealed files, parts and age files to open")
            .clicked()
        {
            self.choose_path(Purpose::AddFiles);
        }
        if ui
            .button("Add folder\u{2026}")
            .on_hover_text("Choose a folder to seal as one file, or a folder of parts to open")
            .clicked()
        {
            self.choose_path(Purpose::AddFolder);
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
