//! The passphrase, normalised and zeroized (FORMAT.md §3.1).

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::{Error, Result};

/// A passphrase in Unicode Normalization Form C, held in zeroizing memory.
///
/// NFC makes the same visible passphrase typed on a phone and on a desktop
/// (which may produce composed or decomposed accents) derive the same key.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Normalises `text` to NFC. Refuses an empty passphrase.
    pub fn new(text: &str) -> Result<Self> {
        if text.is_empty() {
            return Err(Error::EmptyPassphrase);
        }
        // NFC never grows a string by more than a factor of 3; reserving that up
        // front keeps `extend` from reallocating and leaving unzeroized copies.
        let mut normalised = Zeroizing::new(String::with_capacity(text.len() * 3));
        normalised.extend(text.nfc());
        Ok(Passphrase(normalised))
    }

    /// Takes raw bytes (a line read from a file or a terminal), which must be UTF-8.
    /// The caller's buffer is not consumed; zeroize it yourself.
    pub fn from_utf8(bytes: &[u8]) -> Result<Self> {
        let text = std::str::from_utf8(bytes).map_err(|_| Error::PassphraseNotUtf8)?;
        Self::new(text)
    }

    /// The normalised UTF-8 bytes fed to the KDF.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The normalised text, e.g. to show a freshly generated passphrase once.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_and_decomposed_forms_are_equal() {
        let composed = Passphrase::new("caf\u{e9} cr\u{e8}me").unwrap();
        let decomposed = Passphrase::new("cafe\u{301} cre\u{300}me").unwrap();
        assert_eq!(composed.as_bytes(), decomposed.as_bytes());
        assert_eq!(composed.as_bytes(), "café crème".as_bytes());
    }

    #[test]
    fn empty_is_refused() {
        assert!(matches!(Passphrase::new(""), Err(Error::EmptyPassphrase)));
    }

    #[test]
    fn invalid_utf8_is_refused() {
        assert!(matches!(
            Passphrase::from_utf8(&[0xff, 0xfe]),
            Err(Error::PassphraseNotUtf8)
        ));
    }
}
