//! What the app remembers between runs. Never the passphrase: it is not a field
//! here, and this struct is the only thing the app writes to eframe's storage.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tgseal_core::KdfPreset;
use tgseal_core::split;
use tgseal_workflow::ShapeOptions;

use crate::theme::ThemeChoice;

/// The storage key of [`Settings`].
pub const STORAGE_KEY: &str = "tgseal-gui/settings";

/// Splitting sealed files into parts that Telegram accepts (docs/TELEGRAM.md).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Split {
    /// One sealed file, whatever its size.
    #[default]
    Off,
    /// Parts of at most 2000 MiB: the upload limit of every Telegram account.
    Telegram,
    /// Parts of at most 4000 MiB: Telegram Premium's limit.
    Premium,
    /// Parts of at most 50 MB: what a bot may upload.
    Bot,
}

impl Split {
    /// Every choice, in the order the menu shows them.
    pub const ALL: [Split; 4] = [Split::Off, Split::Telegram, Split::Premium, Split::Bot];

    /// The largest part, in bytes; `None` when off.
    pub fn part_size(self) -> Option<u64> {
        match self {
            Split::Off => None,
            Split::Telegram => Some(split::TELEGRAM),
            Split::Premium => Some(split::TELEGRAM_PREMIUM),
            Split::Bot => Some(split::BOT),
        }
    }

    /// The words the menu shows.
    pub fn label(self) -> &'static str {
        match self {
            Split::Off => "Off",
            Split::Telegram => "Parts of 2000 MiB (Telegram)",
            Split::Premium => "Parts of 4000 MiB (Telegram Premium)",
            Split::Bot => "Parts of 50 MB (Telegram bots)",
        }
    }
}

/// The user's choices that persist between runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Where results go; `None` means beside each input file.
    pub output_dir: Option<PathBuf>,
    /// The KDF preset for sealing, as the CLI spells it (`interactive`, `default`,
    /// `paranoid`); unknown names fall back to the default.
    pub kdf_preset: String,
    /// Give sealed files a random name; the real one is restored on opening.
    pub hide_name: bool,
    /// Cut sealed files into parts Telegram accepts.
    pub split: Split,
    /// Pad sealed files so their exact size does not show (Padmé, FORMAT.md §9).
    pub pad: bool,
    /// Write sealed files as armored text (`.tgseal.txt`, FORMAT.md §11), for
    /// channels that only carry text.
    pub armor: bool,
    /// The age identity file (private keys) that opens age files sealed to a
    /// key. Only its path is remembered; the keys are read when a job needs them.
    pub age_identity: Option<PathBuf>,
    /// Light or dark, or as the system says.
    pub theme: ThemeChoice,
}

impl Settings {
    /// The KDF preset chosen.
    pub fn preset(&self) -> KdfPreset {
        KdfPreset::ALL
            .into_iter()
            .find(|p| p.name() == self.kdf_preset)
            .unwrap_or_default()
    }

    /// Chooses a KDF preset.
    pub fn set_preset(&mut self, preset: KdfPreset) {
        self.kdf_preset = preset.name().to_owned();
    }

    /// The shape of sealed outputs these settings ask for.
    pub fn shape(&self) -> ShapeOptions {
        ShapeOptions {
            split: self.split.part_size(),
            hide_name: self.hide_name,
            pad: self.pad,
            armor: self.armor,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn split_choices_are_the_core_limits() {
        assert_eq!(Split::Off.part_size(), None);
        assert_eq!(Split::Telegram.part_size(), Some(2000 * 1024 * 1024));
        assert_eq!(Split::Premium.part_size(), Some(4000 * 1024 * 1024));
        assert_eq!(Split::Bot.part_size(), Some(50_000_000));
    }

    #[test]
    fn settings_saved_before_the_new_options_still_load() {
        // `overwrite` was once remembered; it is now chosen in every run,
        // and a stored `true` is ignored.
        let old = r#"(output_dir: None, kdf_preset: "paranoid", overwrite: true)"#;
        let settings: Settings = ron::from_str(old).unwrap();
        assert_eq!(settings.preset(), KdfPreset::Paranoid);
        assert_eq!(settings.split, Split::Off);
        assert!(!settings.hide_name && !settings.pad && !settings.armor);
    }
}
