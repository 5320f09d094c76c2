//! What dropping looks like: the empty list invites a drop, and files hovering
//! over the window cover it with a highlight.

use eframe::egui::{self, Align2, Color32, FontId, Id};

/// The empty list: a framed area that says what dropping does.
pub(super) fn empty_drop_zone(ui: &mut egui::Ui) {
    let size = ui.available_size();
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let stroke = egui::Stroke::new(2.0, ui.visuals().weak_text_color());
    ui.painter()
        .rect_stroke(rect.shrink(4.0), 12.0, stroke, egui::StrokeKind::Inside);
    ui.painter().text(
        rect.center() - egui::vec2(0.0, 14.0),
        Align2::CENTER_CENTER,
        "Drop files here",
        FontId::proportional(22.0),
        ui.visuals().text_color(),
    );
    // Wrapped to the zone: a narrow window must not cut the hint off.
    let hint = ui.painter().layout(
        "Files and folders are sealed; sealed files, their parts and age files are opened."
            .to_owned(),
        FontId::proportional(14.0),
        ui.visuals().weak_text_color(),
        (rect.width() - 48.0).max(120.0),
    );
    let top_left = egui::pos2(rect.center().x - hint.size().x / 2.0, rect.center().y + 6.0);
    ui.painter()
        .galley(top_left, hint, ui.visuals().weak_text_color());
}

/// While files hover over the window: a highlight over everything.
pub(crate) fn drop_highlight(ctx: &egui::Context) {
    if ctx.input(|i| i.raw.hovered_files.is_empty()) {
        return;
    }
    // The foreground layer: above every panel, wherever the pointer is.
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        Id::unique("drop-highlight"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(200));
    painter.rect_stroke(
        rect.shrink(8.0),
        12.0,
        egui::Stroke::new(3.0, Color32::from_rgb(90, 160, 255)),
        egui::StrokeKind::Inside,
    );
    painter.text(
        rect.center(),
        Align2::CENTER_CENTER,
        "Drop files to seal or open",
        FontId::proportional(30.0),
        Color32::WHITE,
    );
}
