//! What the app remembers between runs. Never the passphrase: it is not a field
//! here, and this struct is the only thing the app writes to eframe's storage.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tgseal_core::KdfPreset;

/// The storage key of [`Settings`].
pub const STORAGE_KEY: &str = "tgseal-gui/settings";

/// The user's choices that persist between runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Where results go; `None` means beside each input file.
    pub output_dir: Option<PathBuf>,
    /// The KDF preset for sealing, as the CLI spells it (`interactive`, `default`,
    /// `paranoid`); unknown names fall back to the default.
    pub kdf_preset: String,
    /// Replace existing output files instead of refusing.
    pub overwrite: bool,
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
}
