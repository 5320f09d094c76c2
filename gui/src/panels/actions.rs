//! The bottom bar: the whole batch's progress, Start and Cancel all, and the
//! notice of what just happened.

use std::time::Duration;

use eframe::egui::{self, RichText};

use crate::app::TgsealApp;
use crate::queue::{Action, Status};
use crate::units;
use crate::worker::Batch;

impl TgsealApp {
    pub(crate) fn actions_ui(&mut self, ui: &mut egui::Ui) {
        ui.add_space(6.0);
        if let Some(batch) = &self.batch {
            batch_progress_ui(ui, batch, self.hooks.stable_display);
        }
        ui.horizontal(|ui| self.start_row_ui(ui));
        if let Some(notice) = &self.notice {
            let text = RichText::new(&notice.text);
            ui.label(if notice.is_error {
                text.color(ui.visuals().error_fg_color)
            } else {
                text
            });
        }
        ui.add_space(6.0);
    }

    /// Start (labelled with what it will do), Cancel all while a batch runs,
    /// and why Start is disabled when it is.
    fn start_row_ui(&mut self, ui: &mut egui::Ui) {
        let blocker = self.start_blocker();
        let start = ui
            .add_enabled(
                blocker.is_none(),
                primary_button(ui, self.start_label(), blocker.is_none()),
            )
            .on_hover_text("Seal or open every file in the list that is ready");
        self.start_id = Some(start.id);
        if start.clicked() {
            self.start(ui.ctx());
        }
        let sent: Vec<usize> = self
            .queue
            .iter()
            .enumerate()
            .filter(|(_, i)| i.action == Action::Seal && matches!(i.status, Status::Done(_)))
            .map(|(index, _)| index)
            .collect();
        if sent.len() > 1
            && self.batch.is_none()
            && ui
                .button("Send all with Telegram")
                .on_hover_text("Open Telegram Desktop's share dialog with every sealed file")
                .clicked()
        {
            self.send_to_telegram(&sent);
        }
        if let Some(batch) = &self.batch
            && ui
                .button("Cancel all")
                .on_hover_text("Stop every job; nothing partial is left behind")
                .clicked()
        {
            batch.cancel_all();
        }
        if let Some(reason) = blocker
            && self.batch.is_none()
        {
            ui.label(RichText::new(reason).weak());
        }
    }
}

/// The main action: filled with the accent colour while it can run, so
/// that enabled and disabled look different at a glance.
fn primary_button(ui: &egui::Ui, label: String, enabled: bool) -> egui::Button<'static> {
    let text = RichText::new(label).strong().size(16.0);
    let button = if enabled {
        egui::Button::new(text.color(egui::Color32::WHITE)).fill(ui.visuals().selection.bg_fill)
    } else {
        // Disabled: egui's plain, dimmed button, readable in both themes.
        egui::Button::new(text)
    };
    button.min_size(egui::vec2(160.0, 32.0))
}

/// One bar for the whole batch; with `stable_display` off, also its speed and
/// the time left.
fn batch_progress_ui(ui: &mut egui::Ui, batch: &Batch, stable_display: bool) {
    let (done, total) = batch.totals();
    let fraction = if total == 0 {
        0.0
    } else {
        (done as f64 / total as f64).clamp(0.0, 1.0) as f32
    };
    let mut text = format!("{:.0}% of {}", fraction * 100.0, units::size(total));
    let elapsed = batch.elapsed().as_secs_f64();
    if !stable_display && batch.deriving_key() {
        // A key derivation takes as long as it takes: bytes say nothing of it.
        text.push_str(" \u{2014} deriving the key\u{2026}");
    } else if !stable_display && elapsed > 0.5 && done > 0 {
        // Over the first half second the speed would be mostly noise.
        let speed = done as f64 / elapsed;
        let left = total.saturating_sub(done) as f64 / speed;
        // An em dash: egui's bundled font has it (arrows and check marks it lacks).
        text.push_str(&format!(
            " \u{2014} {}/s \u{2014} {}",
            units::size(speed as u64),
            units::time_left(Duration::from_secs_f64(left))
        ));
    }
    ui.add(egui::ProgressBar::new(fraction).text(text));
}
