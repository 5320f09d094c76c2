//! Encrypting into standard age files, to recipients or with a passphrase.

use std::io::{BufReader, Read, Write};
use std::path::Path;

use age::secrecy::SecretString;
use tgseal_core::files::AtomicFile;
use tgseal_core::{Control, Passphrase};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::keys::Recipient;

/// The scrypt work factor (log2 N) tgseal writes: age's own default, about
/// one second here and 256 MiB of memory, under every decryptor's cap.
pub const DEFAULT_WORK_FACTOR: u8 = 18;

/// Who can open the age file.
pub enum EncryptTo {
    /// Holders of the private keys of these public keys (X25519, SSH).
    Recipients(Vec<Recipient>),
    /// Whoever knows the passphrase (an age `scrypt` file).
    Passphrase {
        /// The passphrase (NFC-normalised, like everywhere in tgseal).
        passphrase: Passphrase,
        /// scrypt work factor, log2(N), 1..=63.
        work_factor: u8,
    },
}

impl EncryptTo {
    /// A passphrase with the default work factor.
    pub fn passphrase(passphrase: Passphrase) -> Self {
        EncryptTo::Passphrase {
            passphrase,
            work_factor: DEFAULT_WORK_FACTOR,
        }
    }
}

/// The age file's encoding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Armor {
    /// Binary (`FILE.age`).
    #[default]
    Binary,
    /// ASCII armor, for channels that only carry text.
    Armored,
}

/// Encrypts `input` into an age file written to `output`; returns the
/// plaintext length. Progress is reported in plaintext bytes against `input_len`.
pub fn encrypt(
    input: &mut dyn Read,
    output: &mut dyn Write,
    to: &EncryptTo,
    armor: Armor,
    control: &Control,
    input_len: Option<u64>,
) -> Result<u64> {
    let encryptor = match to {
        EncryptTo::Recipients(recipients) => {
            if recipients.is_empty() {
                return Err(Error::InvalidRecipient("no recipients given".into()));
            }
            age::Encryptor::with_recipients(recipients.iter().map(|r| r.as_ref() as _))
                .map_err(|e| Error::InvalidRecipient(e.to_string()))?
        }
        EncryptTo::Passphrase {
            passphrase,
            work_factor,
        } => {
            if !(1..64).contains(work_factor) {
                return Err(Error::InvalidRecipient(format!(
                    "scrypt work factor {work_factor} is outside 1..=63"
                )));
            }
            let mut recipient =
                age::scrypt::Recipient::new(SecretString::from(passphrase.expose().to_owned()));
            recipient.set_work_factor(*work_factor);
            age::Encryptor::with_recipients(std::iter::once(&recipient as _))
                .map_err(|e| Error::InvalidRecipient(e.to_string()))?
        }
    };
    let format = match armor {
        Armor::Binary => age::armor::Format::Binary,
        Armor::Armored => age::armor::Format::AsciiArmor,
    };
    let armored = age::armor::ArmoredWriter::wrap_output(output, format)?;
    let mut writer = encryptor.wrap_output(armored)?;
    let mut buf = Zeroizing::new(vec![0u8; 64 * 1024]);
    let mut done = 0u64;
    loop {
        control.check()?;
        let n = match input.read(&mut buf[..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        writer.write_all(&buf[..n])?;
        done += n as u64;
        control.report(done, input_len);
    }
    if let Some(expected) = input_len {
        if expected != done {
            return Err(tgseal_core::Error::InputChanged {
                expected,
                actual: done,
            }
            .into());
        }
    }
    writer.finish()?.finish()?.flush()?;
    Ok(done)
}

/// `report.pdf` → `report.pdf.age` (age files store no name; the output name
/// is all a recipient learns of the original, so callers may pick another).
pub fn age_name(input_name: &std::ffi::OsStr) -> std::ffi::OsString {
    let mut name = input_name.to_os_string();
    name.push(".age");
    name
}

/// Encrypts the file at `input` into the age file `output`, atomically
/// (a temporary file beside `output`, renamed when complete).
pub fn encrypt_age_file(
    input: &Path,
    output: &Path,
    overwrite: bool,
    to: &EncryptTo,
    armor: Armor,
    control: &Control,
) -> Result<u64> {
    let file = std::fs::File::open(input)?;
    let stat = file.metadata()?;
    if stat.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            format!("{} is a folder", input.display()),
        )
        .into());
    }
    let mut out = AtomicFile::create(output, overwrite)?;
    let n = {
        let mut writer = std::io::BufWriter::with_capacity(1 << 20, out.file());
        let n = encrypt(
            &mut BufReader::with_capacity(1 << 20, file),
            &mut writer,
            to,
            armor,
            control,
            stat.is_file().then_some(stat.len()),
        )?;
        writer.flush()?;
        n
    };
    out.commit()?;
    Ok(n)
}
