//! The bottom bar: the whole batch's progress, Start and Cancel all, and the
//! notice of what just happened.

use std::time::Duration;

use eframe::egui::{self, RichText};

use crate::app::TgsealApp;
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
                egui::Button::new(RichText::new(self.start_label()).strong()),
            )
            .on_hover_text("Seal or open every file in the list that is ready");
        if start.clicked() {
            self.start(ui.ctx());
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
    // Over the first half second the speed would be mostly noise.
    if !stable_display && elapsed > 0.5 && done > 0 {
        let speed = done as f64 / elapsed;
        let left = total.saturating_sub(done) as f64 / speed;
        // An en dash: egui's bundled font has it (arrows and check marks it lacks).
        text.push_str(&format!(
            " — {}/s — about {} left",
            units::size(speed as u64),
            units::duration(Duration::from_secs_f64(left))
        ));
    }
    ui.add(egui::ProgressBar::new(fraction).text(text));
}
