//! The window's colours, dark and light, and the light or dark choice
//! following the system unless the user picks one. egui's own grey for
//! helper ("weak") text is about 2.7:1 against its dark background; WCAG AA
//! asks 4.5:1 for text, so every colour text is drawn in here is chosen to
//! pass, and a test measures it ([`contrast_ratio`]).

use eframe::egui::{self, Color32, Stroke, Theme, Visuals};
use serde::{Deserialize, Serialize};

/// Light or dark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    /// As the system says (the desktop's light or dark setting).
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl ThemeChoice {
    /// Every choice, in the order the menu shows them.
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    /// The words the menu shows.
    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "Follow the system",
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
        }
    }

    fn preference(self) -> egui::ThemePreference {
        match self {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// What the green of success is in `visuals` (Open, a result, a strong
/// passphrase): readable on that background.
pub fn success_color(visuals: &Visuals) -> Color32 {
    if visuals.dark_mode {
        Color32::from_rgb(80, 170, 90)
    } else {
        Color32::from_rgb(20, 120, 40)
    }
}

/// Installs both themes' colours and follows `choice`.
pub fn apply(ctx: &egui::Context, choice: ThemeChoice) {
    for theme in [Theme::Dark, Theme::Light] {
        ctx.style_mut_of(theme, |style| tune(&mut style.visuals));
    }
    ctx.set_theme(choice.preference());
}

/// The colours of one theme: text with enough contrast, and a thick focus
/// ring (keyboard users must see where they are).
pub fn tune(visuals: &mut Visuals) {
    if visuals.dark_mode {
        visuals.widgets.noninteractive.fg_stroke.color = Color32::from_gray(200);
        visuals.weak_text_color = Some(Color32::from_gray(150));
        visuals.error_fg_color = Color32::from_rgb(255, 110, 110);
        visuals.warn_fg_color = Color32::from_rgb(255, 160, 40);
        visuals.hyperlink_color = Color32::from_rgb(110, 180, 255);
    } else {
        visuals.widgets.noninteractive.fg_stroke.color = Color32::from_gray(40);
        visuals.weak_text_color = Some(Color32::from_gray(95));
        visuals.error_fg_color = Color32::from_rgb(180, 0, 0);
        visuals.warn_fg_color = Color32::from_rgb(160, 75, 0);
        visuals.hyperlink_color = Color32::from_rgb(0, 85, 180);
    }
    visuals.selection.stroke.width = 2.0;
}

/// The ring around the widget that has keyboard focus, drawn over
/// everything: thicker and brighter than egui's own.
pub fn focus_ring(ctx: &egui::Context) {
    let Some(id) = ctx.memory(|m| m.focused()) else {
        return;
    };
    let Some(response) = ctx.read_response(id) else {
        return;
    };
    let color = ctx.global_style().visuals.hyperlink_color;
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("focus-ring"),
    ));
    painter.rect_stroke(
        response.rect.expand(2.0),
        4.0,
        Stroke::new(FOCUS_RING_WIDTH, color),
        egui::StrokeKind::Outside,
    );
}

/// How thick the focus ring is, in points.
pub const FOCUS_RING_WIDTH: f32 = 2.5;

/// The WCAG 2 contrast ratio of two opaque colours, 1.0 to 21.0.
pub fn contrast_ratio(a: Color32, b: Color32) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    let (light, dark) = if la > lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

/// WCAG 2 relative luminance.
fn luminance(c: Color32) -> f32 {
    let channel = |v: u8| {
        let v = f32::from(v) / 255.0;
        if v <= 0.040_45 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `color` (premultiplied, maybe translucent) as drawn over `background`.
    fn over(color: Color32, background: Color32) -> Color32 {
        let rest = 255 - u16::from(color.a());
        let mix = |c: u8, b: u8| (u16::from(c) + u16::from(b) * rest / 255).min(255) as u8;
        Color32::from_rgb(
            mix(color.r(), background.r()),
            mix(color.g(), background.g()),
            mix(color.b(), background.b()),
        )
    }

    #[test]
    fn contrast_matches_the_wcag_examples() {
        let ratio = contrast_ratio(Color32::BLACK, Color32::WHITE);
        assert!((ratio - 21.0).abs() < 0.01, "{ratio}");
        assert!((contrast_ratio(Color32::WHITE, Color32::WHITE) - 1.0).abs() < 0.001);
        // #777 on white is the classic just-failing grey (4.48:1).
        let grey = contrast_ratio(Color32::from_gray(0x77), Color32::WHITE);
        assert!((grey - 4.48).abs() < 0.01, "{grey}");
    }

    #[test]
    fn every_text_colour_reaches_aa_in_both_themes() {
        for mut visuals in [Visuals::dark(), Visuals::light()] {
            let before = contrast_ratio(
                over(visuals.weak_text_color(), visuals.panel_fill),
                visuals.panel_fill,
            );
            tune(&mut visuals);
            let texts = [
                ("helper text", visuals.weak_text_color()),
                ("text", visuals.text_color()),
                ("errors", visuals.error_fg_color),
                ("warnings", visuals.warn_fg_color),
                ("Seal", visuals.hyperlink_color),
                ("success", success_color(&visuals)),
            ];
            for background in [visuals.panel_fill, visuals.window_fill] {
                for (what, color) in texts {
                    let ratio = contrast_ratio(color, background);
                    assert!(
                        ratio >= 4.5,
                        "{what} in the {} theme: {ratio:.2}:1",
                        if visuals.dark_mode { "dark" } else { "light" }
                    );
                }
            }
            // Helper text stays quieter than text, and louder than egui's.
            let weak = contrast_ratio(visuals.weak_text_color(), visuals.panel_fill);
            assert!(weak < contrast_ratio(visuals.text_color(), visuals.panel_fill));
            assert!(weak > before, "{weak} <= {before}");
        }
    }
}
