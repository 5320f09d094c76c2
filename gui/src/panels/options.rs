//! The Options panel, one function per group. They edit a copy of the
//! settings, which replaces the app's only when something changed (that
//! replans the list's destinations).

use std::path::PathBuf;

use eframe::egui::{self, RichText};
use tgseal_core::KdfPreset;

use super::path_entry::Purpose;
use super::shown_path;
use crate::app::TgsealApp;
use crate::queue::{Action, Status};
use crate::settings::{Settings, Split};
use crate::theme::ThemeChoice;

/// A folder shown under another name ([`crate::Hooks::path_alias`]), for [`shown_path`].
type PathAlias<'a> = Option<&'a (PathBuf, String)>;

impl TgsealApp {
    /// The options that apply to what is listed: sealing options only when
    /// something is to be sealed, opening options only when something is to
    /// be opened (both, each under its heading, for a mixed list; all of
    /// them for an empty list).
    pub(crate) fn options_ui(&mut self, ui: &mut egui::Ui) {
        let (seals, opens) = self.modes();
        ui.heading("Options");
        ui.add_space(4.0);
        let mut settings = self.settings.clone();
        let alias_owned = self.hooks.path_alias.clone();
        let alias = alias_owned.as_ref();
        ui.label("Output folder");
        let mut choose = None;
        if OUTPUT_FOLDER.ui(ui, &mut settings.output_dir, alias) {
            choose = Some(Purpose::OutputFolder);
        }
        let mut replace = self.replace_existing;
        ui.checkbox(&mut replace, "Replace existing files")
            .on_hover_text(
                "For this run only (off at every start): overwrite results that already \
                 exist instead of asking for each",
            );
        if replace != self.replace_existing {
            self.set_replace_existing(replace);
        }
        if seals {
            ui.add_space(6.0);
            ui.label(RichText::new(if opens { "For sealing" } else { "Sealing" }).strong());
            key_derivation_ui(ui, &mut settings);
            for_the_chat_ui(ui, &mut settings);
        }
        if opens {
            ui.add_space(6.0);
            ui.label(RichText::new(if seals { "For opening" } else { "Opening" }).strong());
            expensive_kdf_ui(ui, &mut self.allow_expensive_kdf);
            if AGE_IDENTITY.ui(ui, &mut settings.age_identity, alias) {
                choose = Some(Purpose::Identity);
            }
        }
        ui.add_space(6.0);
        theme_ui(ui, &mut settings);
        if settings != self.settings {
            self.set_settings(settings);
        }
        if let Some(purpose) = choose {
            self.choose_path(purpose);
        }
    }

    /// Whether the list has something to seal, and something to open: the
    /// lines still to run, or when every line is done, what the done lines
    /// did (their options stay in view, not the other mode's); an empty list
    /// counts as both (every option is shown).
    pub(crate) fn modes(&self) -> (bool, bool) {
        let listed = |opens: bool, done_too: bool| {
            self.queue.iter().any(|i| {
                !matches!(i.action, Action::Unsupported(_))
                    && (done_too || !matches!(i.status, Status::Done(_)))
                    && i.action.opens() == opens
            })
        };
        let pending = (listed(false, false), listed(true, false));
        let modes = if pending == (false, false) {
            (listed(false, true), listed(true, true))
        } else {
            pending
        };
        if modes == (false, false) {
            (true, true)
        } else {
            modes
        }
    }
}

const OUTPUT_FOLDER: PathChoice = PathChoice {
    unset: "beside each file",
    choose: "Choose output folder\u{2026}",
    choose_hover: "Put every result into one folder",
    forget: "Beside each file",
    forget_hover: "Put each result in the folder of its input",
};

const AGE_IDENTITY: PathChoice = PathChoice {
    unset: "No identity file: age files with a passphrase still open.",
    choose: "Choose identity file\u{2026}",
    choose_hover: "The private key file (from age-keygen or tgseal keygen, or an SSH \
                   key) that opens age files encrypted to your public key",
    forget: "Forget identity file",
    forget_hover: "Stop using the identity file (the file itself stays)",
};

fn theme_ui(ui: &mut egui::Ui, settings: &mut Settings) {
    egui::ComboBox::from_label("Theme")
        .selected_text(settings.theme.label())
        .show_ui(ui, |ui| {
            for choice in ThemeChoice::ALL {
                ui.selectable_value(&mut settings.theme, choice, choice.label());
            }
        });
}

fn key_derivation_ui(ui: &mut egui::Ui, settings: &mut Settings) {
    let mut preset = settings.preset();
    egui::ComboBox::from_label("Key derivation")
        .selected_text(preset_text(preset))
        .show_ui(ui, |ui| {
            for choice in KdfPreset::ALL {
                ui.selectable_value(&mut preset, choice, preset_text(choice));
            }
        })
        .response
        .on_hover_text(
            "How much work turns the passphrase into a key when sealing. More work \
             makes guessing slower for an attacker, and opening slower for the \
             recipient. Opening always uses what the sealed file says.",
        );
    settings.set_preset(preset);
}

fn preset_text(preset: KdfPreset) -> &'static str {
    match preset {
        KdfPreset::Interactive => "Fast (64 MiB)",
        KdfPreset::Default => "Standard (256 MiB)",
        KdfPreset::Paranoid => "Paranoid (1 GiB)",
    }
}

/// Not one of the [`Settings`]: lifting the limit is chosen again in every run.
fn expensive_kdf_ui(ui: &mut egui::Ui, allow: &mut bool) {
    ui.checkbox(allow, "Allow expensive key derivation")
        .on_hover_text(
            "Open files that ask for more than 2 GiB of memory or 16 passes. \
             Only for files you trust: a hostile file could ask for far more.",
        );
}

/// The shape of sealed files: hidden names, parts, padding, text.
fn for_the_chat_ui(ui: &mut egui::Ui, settings: &mut Settings) {
    ui.label(RichText::new("For the chat").strong());
    ui.checkbox(&mut settings.hide_name, "Hide file names")
        .on_hover_text(
            "Sealed files get a random name like k3v9x2qa.tgseal, so the chat does \
             not show what you sent. The real name is inside and comes back when \
             the file is opened.",
        );
    split_ui(ui, settings);
    ui.checkbox(&mut settings.pad, "Pad the size")
        .on_hover_text(
            "Add padding (Padm\u{e9}, under 12 %) so the exact size of a file does not \
             show. Folders cannot be padded: their size is only known once archived.",
        );
    armor_ui(ui, settings);
}

fn split_ui(ui: &mut egui::Ui, settings: &mut Settings) {
    egui::ComboBox::from_label("Split into parts")
        .selected_text(settings.split.label())
        .show_ui(ui, |ui| {
            for choice in Split::ALL {
                ui.selectable_value(&mut settings.split, choice, choice.label());
            }
        })
        .response
        .on_hover_text(
            "Telegram refuses files over 2 GB (4 GB with Premium, 50 MB from a bot). \
             Split cuts the sealed file into numbered parts that fit; dropping any \
             one part here opens the whole file.",
        );
}

fn armor_ui(ui: &mut egui::Ui, settings: &mut Settings) {
    if settings.split != Split::Off {
        // Parts are binary; armor is for a sealed file sent as text.
        settings.armor = false;
    }
    ui.add_enabled(
        settings.split == Split::Off,
        egui::Checkbox::new(&mut settings.armor, "Write as text"),
    )
    .on_hover_text(
        "Armored text (.tgseal.txt, about a third larger) for channels that only \
         carry text. Not with split parts.",
    )
    .on_disabled_hover_text("Split parts are always binary files.");
}

/// An optional path the user picks with a file dialog and can drop again: the
/// output folder and the age identity file work alike.
struct PathChoice {
    /// Shown while no path is chosen.
    unset: &'static str,
    choose: &'static str,
    choose_hover: &'static str,
    forget: &'static str,
    forget_hover: &'static str,
}

impl PathChoice {
    /// The path (or what holds without one), then Choose, and Forget while a
    /// path is chosen. Returns true when Choose was pressed (the dialog is
    /// the app's to show).
    fn ui(&self, ui: &mut egui::Ui, path: &mut Option<PathBuf>, alias: PathAlias) -> bool {
        let mut choose = false;
        let shown = match path.as_deref() {
            Some(path) => shown_path(path, alias),
            None => self.unset.into(),
        };
        ui.label(RichText::new(shown).weak());
        ui.horizontal(|ui| {
            choose = ui
                .button(self.choose)
                .on_hover_text(self.choose_hover)
                .clicked();
            if path.is_some()
                && ui
                    .button(self.forget)
                    .on_hover_text(self.forget_hover)
                    .clicked()
            {
                *path = None;
            }
        });
        choose
    }
}
