//! age keys: recipients (public keys) to encrypt to, identities (private keys)
//! to decrypt with, and generating a fresh X25519 identity.

use std::io::{BufRead, Read};
use std::path::Path;

use age::secrecy::{ExposeSecret, SecretString};
use tgseal_core::Passphrase;
use zeroize::Zeroizing;

use crate::detect::sniff;
use crate::error::{Error, Result};

/// A public key to encrypt to.
pub type Recipient = Box<dyn age::Recipient + Send + Sync>;

/// Parses one recipient: an age X25519 key (`age1…`) or an SSH public key
/// (`ssh-ed25519 …`, `ssh-rsa …`, as in `~/.ssh/id_*.pub` or `authorized_keys`).
pub fn parse_recipient(text: &str) -> Result<Recipient> {
    let text = text.trim();
    if text.starts_with("age1") {
        return text
            .parse::<age::x25519::Recipient>()
            .map(|r| Box::new(r) as Recipient)
            .map_err(|e| Error::InvalidRecipient(format!("{}: {e}", shorten(text))));
    }
    if text.starts_with("ssh-") {
        return match text.parse::<age::ssh::Recipient>() {
            Ok(r) => Ok(Box::new(r)),
            Err(age::ssh::ParseRecipientKeyError::Unsupported(kind)) => Err(
                Error::InvalidRecipient(format!("SSH key type {kind} is not supported by age")),
            ),
            Err(_) => Err(Error::InvalidRecipient(format!(
                "{}: not a valid SSH public key",
                shorten(text)
            ))),
        };
    }
    Err(Error::InvalidRecipient(format!(
        "{}: expected an age public key (age1…) or an SSH public key (ssh-ed25519, ssh-rsa)",
        shorten(text)
    )))
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(24).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// Reads a recipients file as age defines it: one recipient per line, lines
/// starting with `#` and blank lines ignored.
pub fn read_recipients_file(path: &Path) -> Result<Vec<Recipient>> {
    let file = std::fs::File::open(path)?;
    let mut recipients = Vec::new();
    // A recipients file is small; a cap keeps a wrong path (a video) harmless.
    let reader = std::io::BufReader::new(file.take(16 << 20));
    for (number, line) in reader.lines().enumerate() {
        let line = line?;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        recipients.push(parse_recipient(line).map_err(|e| {
            Error::InvalidRecipient(format!("{} line {}: {e}", path.display(), number + 1))
        })?);
    }
    if recipients.is_empty() {
        return Err(Error::InvalidRecipient(format!(
            "{} holds no recipients",
            path.display()
        )));
    }
    Ok(recipients)
}

/// Private keys that may open an age file.
#[derive(Default)]
pub struct Identities(pub(crate) Vec<Box<dyn age::Identity + Send + Sync>>);

impl Identities {
    /// No identities yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Identities from the text of an age identity file (`AGE-SECRET-KEY-1…`
    /// lines, `#` comments, blank lines).
    pub fn from_text(text: &[u8]) -> Result<Self> {
        let mut identities = Self::new();
        identities
            .add_identity_text(text)
            .map_err(|reason| Error::Identity {
                path: "(text)".into(),
                reason,
            })?;
        Ok(identities)
    }

    /// How many keys are loaded.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when no key is loaded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds the keys of one identity file. Understood: age identity files
    /// (`AGE-SECRET-KEY-1…` lines, `#` comments), age-encrypted identity files
    /// (binary or armored, opened with a passphrase), and OpenSSH / PEM private
    /// keys (ed25519, rsa; passphrase-protected ones too). `ask_passphrase` is
    /// called, with a description, only when the file is encrypted.
    pub fn add_file(
        &mut self,
        path: &Path,
        ask_passphrase: &dyn Fn(&str) -> Option<Passphrase>,
    ) -> Result<()> {
        let fail = |reason: String| Error::Identity {
            path: path.display().to_string(),
            reason,
        };
        let mut data = Zeroizing::new(Vec::new());
        std::fs::File::open(path)
            .map_err(|e| fail(e.to_string()))?
            .take(16 << 20)
            .read_to_end(&mut data)
            .map_err(|e| fail(e.to_string()))?;
        if sniff(&data).is_some() {
            let description = format!(
                "passphrase of the encrypted identity file {}",
                path.display()
            );
            let passphrase = ask_passphrase(&description)
                .ok_or_else(|| fail("it is encrypted, and no passphrase was given".into()))?;
            let with = crate::DecryptWith::passphrase(&passphrase);
            let mut plain = Zeroizing::new(Vec::new());
            crate::decrypt::decrypt(
                &data[..],
                &mut *plain,
                with,
                &tgseal_core::Control::new(),
                None,
            )
            .map_err(|e| fail(format!("cannot decrypt it: {e}")))?;
            let before = self.0.len();
            self.add_identity_text(&plain).map_err(fail)?;
            if self.0.len() == before {
                return Err(fail("it holds no identities".into()));
            }
            return Ok(());
        }
        if data.starts_with(b"-----BEGIN") {
            return self.add_ssh(&data, path, ask_passphrase).map_err(fail);
        }
        let before = self.0.len();
        self.add_identity_text(&data).map_err(fail)?;
        if self.0.len() == before {
            return Err(fail("it holds no identities".into()));
        }
        Ok(())
    }

    /// Adds identities from the text of an age identity file.
    fn add_identity_text(&mut self, text: &[u8]) -> std::result::Result<(), String> {
        let file = age::IdentityFile::from_buffer(text).map_err(|e| e.to_string())?;
        let identities = file.into_identities().map_err(|e| e.to_string())?;
        self.0.extend(identities);
        Ok(())
    }

    fn add_ssh(
        &mut self,
        data: &[u8],
        path: &Path,
        ask_passphrase: &dyn Fn(&str) -> Option<Passphrase>,
    ) -> std::result::Result<(), String> {
        let filename = Some(path.display().to_string());
        let identity = age::ssh::Identity::from_buffer(data, filename)
            .map_err(|e| format!("not a usable SSH private key ({e})"))?;
        let key = match identity {
            age::ssh::Identity::Unencrypted(key) => key,
            age::ssh::Identity::Encrypted(encrypted) => {
                let description = format!("passphrase of the SSH key {}", path.display());
                let passphrase = ask_passphrase(&description)
                    .ok_or("the SSH key is encrypted, and no passphrase was given")?;
                encrypted
                    .decrypt(SecretString::from(passphrase.expose().to_owned()))
                    .map_err(|_| "wrong passphrase for the SSH key".to_owned())?
            }
            age::ssh::Identity::Unsupported(kind) => {
                return Err(match kind {
                    age::ssh::UnsupportedKey::Type(t) => {
                        format!("SSH key type {t} is not supported by age")
                    }
                    age::ssh::UnsupportedKey::Hardware(t) => {
                        format!("hardware SSH key {t} is not supported (use an age plugin)")
                    }
                    age::ssh::UnsupportedKey::EncryptedPem => {
                        "encrypted PEM keys are not supported; convert with ssh-keygen -o -p".into()
                    }
                    age::ssh::UnsupportedKey::EncryptedSsh(cipher) => {
                        format!("SSH key cipher {cipher} is not supported")
                    }
                });
            }
        };
        self.0.push(Box::new(age::ssh::Identity::from(key)));
        Ok(())
    }
}

/// A freshly generated X25519 identity.
pub struct GeneratedIdentity {
    /// The identity file's text, as `age-keygen` writes it (comments with the
    /// creation time and the public key, then `AGE-SECRET-KEY-1…`).
    pub file_text: Zeroizing<String>,
    /// The public key (`age1…`) to give to senders.
    pub public_key: String,
}

/// Generates a new X25519 identity.
pub fn generate_identity() -> GeneratedIdentity {
    let identity = age::x25519::Identity::generate();
    let public_key = identity.to_public().to_string();
    let secret = identity.to_string();
    let file_text = Zeroizing::new(format!(
        "# created: {}\n# public key: {public_key}\n{}\n",
        rfc3339_now(),
        secret.expose_secret()
    ));
    GeneratedIdentity {
        file_text,
        public_key,
    }
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (what age-keygen writes).
fn rfc3339_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn generated_identity_parses_back() {
        let generated = generate_identity();
        let mut ids = Identities::new();
        ids.add_identity_text(generated.file_text.as_bytes())
            .unwrap();
        assert_eq!(ids.len(), 1);
        assert!(parse_recipient(&generated.public_key).is_ok());
        assert!(generated.file_text.starts_with("# created: 20"));
    }

    #[test]
    fn bad_recipients_are_refused() {
        assert!(matches!(
            parse_recipient("age1nope"),
            Err(Error::InvalidRecipient(_))
        ));
        assert!(matches!(
            parse_recipient("hello"),
            Err(Error::InvalidRecipient(_))
        ));
    }
}
