//! Encrypting into standard age files, to recipients or with a passphrase.

use std::io::{Read, Write};
use std::sync::Mutex;

use age::secrecy::SecretString;
use tgseal_core::{Control, Passphrase, Summary};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::keys::Recipient;
use tgseal_core::count::{self, Counting};

/// Runs `f`, which runs scrypt, while no other thread of this process runs
/// scrypt: a batch of passphrase files (`-j N`) then needs the memory of one
/// scrypt at a time (up to 2 GiB under the decryption cap), not N of them, as
/// tgseal's own format derives one key at a time.
pub(crate) fn one_scrypt_at_a_time<T>(f: impl FnOnce() -> T) -> T {
    static SCRYPT: Mutex<()> = Mutex::new(());
    // The lock guards no data: a panic elsewhere leaves nothing inconsistent.
    let _guard = SCRYPT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    f()
}

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

/// Encrypts `input` into an age file written to `output`; returns the bytes
/// read (plaintext) and written (the age file). Progress is reported in
/// plaintext bytes against `input_len`.
pub fn encrypt(
    input: &mut dyn Read,
    output: &mut dyn Write,
    to: &EncryptTo,
    armor: Armor,
    control: &Control,
    input_len: Option<u64>,
) -> Result<Summary> {
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
            one_scrypt_at_a_time(|| {
                age::Encryptor::with_recipients(std::iter::once(&recipient as _))
            })
            .map_err(|e| Error::InvalidRecipient(e.to_string()))?
        }
    };
    let format = match armor {
        Armor::Binary => age::armor::Format::Binary,
        Armor::Armored => age::armor::Format::AsciiArmor,
    };
    let (mut counted, written) = Counting::new(output);
    let armored = age::armor::ArmoredWriter::wrap_output(&mut counted, format)?;
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
    if let Some(expected) = input_len
        && expected != done
    {
        return Err(tgseal_core::Error::InputChanged {
            expected,
            actual: done,
        }
        .into());
    }
    writer.finish()?.finish()?.flush()?;
    Ok(Summary {
        bytes_in: done,
        bytes_out: count::read(&written),
    })
}

/// `report.pdf` → `report.pdf.age` (age files store no name; the output name
/// is all a recipient learns of the original, so callers may pick another).
pub fn age_name(input_name: &std::ffi::OsStr) -> std::ffi::OsString {
    let mut name = input_name.to_os_string();
    name.push(".age");
    name
}

/// A random neutral name for an age file, e.g. `k3v9x2qa.age`: the same
/// random characters as hidden sealed names (`tgseal_core::names`).
pub fn random_age_name() -> Result<String> {
    Ok(format!("{}.age", tgseal_core::names::random_stem()?))
}
