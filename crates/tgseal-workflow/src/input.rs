//! One recognition step and one way to open: a path (or a stream) becomes an
//! [`Input`] — a sealed file, a split set, armored text, an age file or age
//! parts, or plain content to seal — decided by its bytes rather than its
//! name, so renamed downloads still open. Every front end asks here, once.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use tgseal_age::{DecryptWith, Identities};
use tgseal_core::armor::ArmorReader;
use tgseal_core::lift;
use tgseal_core::split::{PART_MAGIC, parse_part_name};
use tgseal_core::{Control, DecryptOptions, Decryptor, KdfCap, Keyring, MAGIC, Summary};

use crate::age::files::age_output_name;
use crate::age::input::{AgeInput, Unlock as AgeUnlock};
use crate::age::parts::is_age_part;
use crate::batch::{Outcome, decrypt_opened};
use crate::claims::Claims;
use crate::files::{AtomicFile, DecryptTarget, free_path, parent_dir};
use crate::parts::is_part_file;
use crate::sealed::{SealedInput, restore_target};
use crate::{Error, Result};

/// What a path holds.
#[derive(Clone, Debug)]
pub enum Input {
    /// tgseal's own format: a binary sealed file, armored text, or a split set.
    Sealed(SealedInput),
    /// An age file, whole or in raw parts.
    Age(AgeInput),
    /// A pipe, a FIFO or a device named by a path (`<(cat x)`, `/dev/stdin`):
    /// what it holds is read once, when it is opened, and recognised then,
    /// as standard input is. Reading ahead to recognise it would consume
    /// what a second open can no longer read.
    Pipe(PathBuf),
    /// Anything else: a file or folder to seal.
    Plain(PathBuf),
}

/// What opens the inputs of one call.
#[derive(Clone, Copy)]
pub struct Unlock<'a> {
    /// The passphrase with its KDF cap; also opens age files encrypted with a
    /// passphrase. `None` when none was given (only identities).
    pub keyring: Option<&'a Keyring>,
    /// Private keys for age files encrypted to public keys.
    pub identities: &'a Identities,
}

impl Input {
    /// Recognises `path` by its bytes: sealed (binary, armored, any one part
    /// or a folder of nothing but parts), age (a file, any one raw part, or a
    /// folder of nothing but its parts), else plain content. A part whose
    /// siblings are missing or inconsistent is an error naming the part.
    pub fn recognise(path: &Path) -> Result<Input> {
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() && !meta.is_dir() {
            return Ok(Input::Pipe(path.to_path_buf()));
        }
        if let Some(sealed) = SealedInput::recognise(path)? {
            return Ok(Input::Sealed(sealed));
        }
        if let Some(age) = AgeInput::recognise(path)? {
            return Ok(Input::Age(age));
        }
        Ok(Input::Plain(path.to_path_buf()))
    }

    /// What opening `path` means: as [`Input::recognise`], except that
    /// content that is not recognised is tried as armored text whose BEGIN
    /// line comes late, so what is not sealed at all fails with a clear
    /// "not a tgseal sealed file" (and a folder with "this is a folder").
    pub fn to_open(path: &Path) -> Result<Input> {
        match Self::recognise(path)? {
            Input::Plain(path) => Ok(Input::Sealed(SealedInput::find(&path)?)),
            recognised => Ok(recognised),
        }
    }

    /// Whether it is something to open (not plain content).
    pub fn opens(&self) -> bool {
        !matches!(self, Input::Plain(_))
    }

    /// The path the output is named after when the input stores no name
    /// (`x.tgseal` for `x.tgseal.002`, `x.age` for `x.age.txt`'s parts).
    pub fn name_source(&self) -> PathBuf {
        match self {
            Input::Sealed(sealed) => sealed.name_source(),
            Input::Age(age) => age.name_source().to_path_buf(),
            Input::Plain(path) | Input::Pipe(path) => path.clone(),
        }
    }

    /// The folder an output goes to when none was chosen: beside the input,
    /// or the current folder for a pipe (whose folder, such as `/dev/fd`,
    /// takes no files).
    pub fn default_folder(&self) -> PathBuf {
        match self {
            Input::Pipe(_) => PathBuf::from("."),
            other => parent_dir(&other.name_source()).to_path_buf(),
        }
    }

    /// How many files it is read from (parts).
    pub fn file_count(&self) -> usize {
        match self {
            Input::Sealed(sealed) => sealed.file_count(),
            Input::Age(age) => age.file_count(),
            Input::Plain(_) | Input::Pipe(_) => 1,
        }
    }

    /// Whether opening it needs the passphrase: sealed files always; age
    /// files when their header says so, or when it cannot be read and no
    /// identities were given.
    pub fn needs_passphrase(&self, identities: &Identities) -> bool {
        match self {
            Input::Sealed(_) => true,
            Input::Age(age) => matches!(age_unlock(age, identities), Ok(AgeUnlock::Passphrase)),
            // Unknown until read, as for standard input.
            Input::Pipe(_) => identities.is_empty(),
            Input::Plain(_) => false,
        }
    }

    /// Opens it into `target` atomically: nothing appears under the final
    /// name before the last chunk verified, and a failure leaves nothing.
    /// `claims` are the call's inputs and outputs: a restored name never
    /// replaces one of them (see [`Claims`]).
    pub fn open(
        &self,
        target: &DecryptTarget,
        overwrite: bool,
        claims: &Claims,
        unlock: &Unlock<'_>,
        options: &DecryptOptions,
        control: &Control,
    ) -> Result<Outcome> {
        match self {
            Input::Sealed(sealed) => {
                let keyring = keyring(unlock)?;
                Ok(sealed.decrypt(target, overwrite, claims, keyring, options, control)?)
            }
            Input::Age(age) => {
                let with = age_with(age_unlock(age, unlock.identities)?, unlock)?;
                let (output, summary) = age.decrypt(target, with, overwrite, control)?;
                let mut notes = Vec::new();
                if age.file_count() > 1 {
                    let count = age.file_count();
                    let parts = if count == 1 { "part" } else { "parts" };
                    notes.push(format!("read from {count} {parts}"));
                }
                Ok(Outcome::file(output, summary, notes))
            }
            Input::Pipe(path) => {
                let dest = match target {
                    DecryptTarget::Folder(_) | DecryptTarget::KeepBoth(_) => Dest::Folder {
                        target,
                        name_source: path,
                        claims,
                    },
                    DecryptTarget::Path(output) => {
                        claims.refuse_input(output, [path.as_path()])?;
                        Dest::Path(output)
                    }
                };
                let reader = Box::new(BufReader::with_capacity(1 << 20, File::open(path)?));
                open_reader(reader, dest, overwrite, false, unlock, options, control)
            }
            Input::Plain(path) => Err(not_sealed(path)),
        }
    }

    /// Opens it to a writer (standard output). This cannot be atomic: each
    /// chunk is written only after it verified, and a failure still ends in
    /// an error. A sealed folder comes out as its tar stream.
    pub fn open_to_writer(
        &self,
        output: &mut dyn Write,
        unlock: &Unlock<'_>,
        options: &DecryptOptions,
        control: &Control,
    ) -> Result<Summary> {
        match self {
            Input::Sealed(sealed) => {
                let decryptor = Decryptor::new(sealed.reader()?, keyring(unlock)?).map_err(lift)?;
                let summary = decryptor
                    .decrypt_to_with(&mut &mut *output, options, control)
                    .map_err(lift)?;
                output.flush()?;
                Ok(summary)
            }
            Input::Age(age) => {
                let with = age_with(age_unlock(age, unlock.identities)?, unlock)?;
                let summary = age.decrypt_to(&mut *output, with, control)?;
                output.flush()?;
                Ok(summary)
            }
            Input::Pipe(path) => {
                let reader = Box::new(BufReader::with_capacity(1 << 20, File::open(path)?));
                let dest = Dest::Writer(output);
                let outcome = open_reader(reader, dest, false, false, unlock, options, control)?;
                Ok(outcome.summary)
            }
            Input::Plain(path) => Err(not_sealed(path)),
        }
    }
}

fn not_sealed(path: &Path) -> Error {
    let _ = path;
    Error::Sealed(tgseal_core::Error::NotSealed)
}

fn keyring<'a>(unlock: &Unlock<'a>) -> Result<&'a Keyring> {
    unlock
        .keyring
        .ok_or(Error::Sealed(tgseal_core::Error::EmptyPassphrase))
}

/// Passphrase or identities for an age file: its header says; a header that
/// cannot be read uses the identities when there are any (the decryptor then
/// says what is wrong with it). A file for public keys with no identity
/// given is refused before anything is read.
fn age_unlock(age: &AgeInput, identities: &Identities) -> Result<AgeUnlock> {
    let fallback = fallback_unlock(identities);
    match age.unlock()? {
        Some(AgeUnlock::Identities) if identities.is_empty() => {
            Err(tgseal_age::Error::NeedsIdentity.into())
        }
        Some(unlock) => Ok(unlock),
        None => Ok(fallback),
    }
}

fn fallback_unlock(identities: &Identities) -> AgeUnlock {
    if identities.is_empty() {
        AgeUnlock::Passphrase
    } else {
        AgeUnlock::Identities
    }
}

fn age_with<'a>(how: AgeUnlock, unlock: &Unlock<'a>) -> Result<DecryptWith<'a>> {
    Ok(match how {
        AgeUnlock::Passphrase => {
            let keyring = keyring(unlock)?;
            DecryptWith::Passphrase {
                passphrase: keyring.passphrase(),
                max_work_factor: age_work_factor(keyring.cap()),
            }
        }
        AgeUnlock::Identities => DecryptWith::Identities(unlock.identities),
    })
}

/// The scrypt work factor (log2 N) age files may ask for under `cap`: age's
/// default limit, or scrypt's own ceiling when the cap was lifted.
pub fn age_work_factor(cap: KdfCap) -> u8 {
    if cap == KdfCap::UNLIMITED {
        63
    } else {
        tgseal_age::DEFAULT_MAX_WORK_FACTOR
    }
}

/// What an input stands for: for any one part of a split file (sealed or
/// age), the set (`dir/x.tgseal`, `dir/x.age`), since any one part opens the
/// whole set; for anything else, the path itself.
pub fn input_key(path: &Path) -> PathBuf {
    let name = path.file_name().and_then(|n| n.to_str());
    match name.and_then(parse_part_name) {
        Some((base, _)) if !path.is_dir() && (is_part_file(path) || is_age_part(path)) => {
            parent_dir(path).join(base)
        }
        _ => path.to_path_buf(),
    }
}

/// The inputs with every split file once: of several parts of one split file
/// given together (`x.tgseal.001 x.tgseal.002`), only the first stays.
pub fn dedupe_parts(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut seen = HashSet::new();
    inputs
        .iter()
        .filter(|input| seen.insert(input_key(input)))
        .cloned()
        .collect()
}

/// What a stream holds, from its first bytes.
enum StreamKind {
    Sealed,
    Armored,
    Age,
}

/// Where an opened stream goes.
pub enum StreamTarget<'a> {
    /// A file, written atomically.
    Path(&'a Path),
    /// A writer (standard output), not atomic.
    Writer(&'a mut dyn Write),
}

/// Opens a stream (standard input): a binary sealed file, one armored block,
/// or an age file (recognised by its bytes, or assumed with `age`: the
/// caller was told so). One part of a split file or one piece of a text
/// message cannot find its siblings from a stream, and is refused.
pub fn open_stream(
    input: Box<dyn BufRead + Send>,
    target: StreamTarget<'_>,
    overwrite: bool,
    age: bool,
    unlock: &Unlock<'_>,
    options: &DecryptOptions,
    control: &Control,
) -> Result<Outcome> {
    let dest = match target {
        StreamTarget::Path(path) => Dest::Path(path),
        StreamTarget::Writer(output) => Dest::Writer(output),
    };
    open_reader(input, dest, overwrite, age, unlock, options, control)
}

/// Where a stream read once (standard input, a pipe) is opened to.
enum Dest<'a> {
    /// A writer, not atomic.
    Writer(&'a mut dyn Write),
    /// A file, written atomically.
    Path(&'a Path),
    /// A folder (a [`DecryptTarget::Folder`] or [`DecryptTarget::KeepBoth`]),
    /// under the restored name (or the pipe's own).
    Folder {
        target: &'a DecryptTarget,
        name_source: &'a Path,
        claims: &'a Claims,
    },
}

/// [`open_stream`] for every kind of destination.
fn open_reader(
    mut input: Box<dyn BufRead + Send>,
    dest: Dest<'_>,
    overwrite: bool,
    age: bool,
    unlock: &Unlock<'_>,
    options: &DecryptOptions,
    control: &Control,
) -> Result<Outcome> {
    let head = input.fill_buf()?.to_vec();
    let kind = if age || tgseal_age::sniff(&head).is_some() {
        StreamKind::Age
    } else if head.starts_with(PART_MAGIC) {
        return Err(Error::LonePart);
    } else if head.is_empty() || head.starts_with(MAGIC) {
        StreamKind::Sealed
    } else {
        StreamKind::Armored
    };
    if let StreamKind::Age = kind {
        let with = age_with(fallback_unlock(unlock.identities), unlock)?;
        let named;
        let path = match dest {
            Dest::Writer(output) => {
                let summary = tgseal_age::decrypt(input, &mut *output, with, control, None)?;
                output.flush()?;
                return Ok(Outcome::stream(summary));
            }
            Dest::Path(path) => path,
            Dest::Folder {
                target,
                name_source,
                claims,
            } => {
                // An age file stores no name: named after the pipe.
                let dir = target.folder().unwrap_or(Path::new("."));
                let mut wanted = dir.join(age_output_name(name_source));
                if let DecryptTarget::KeepBoth(_) = target {
                    wanted = free_path(&wanted);
                }
                named = claims.claim(&wanted);
                claims.refuse_input(&named, [name_source])?;
                &named
            }
        };
        let mut out = AtomicFile::create(path, overwrite)?;
        let summary = {
            let mut writer = std::io::BufWriter::with_capacity(1 << 20, out.file());
            let summary = tgseal_age::decrypt(input, &mut writer, with, control, None)?;
            writer.flush()?;
            summary
        };
        return Ok(Outcome::file(out.commit()?, summary, Vec::new()));
    }
    let reader: Box<dyn Read + Send> = match kind {
        StreamKind::Armored => {
            let reader = ArmorReader::new(input)?;
            if reader.piece().is_some() {
                return Err(Error::LonePiece);
            }
            Box::new(reader)
        }
        _ => Box::new(input),
    };
    let decryptor = Decryptor::new(reader, keyring(unlock)?).map_err(lift)?;
    match dest {
        Dest::Writer(output) => {
            let summary = decryptor
                .decrypt_to_with(&mut &mut *output, options, control)
                .map_err(lift)?;
            output.flush()?;
            Ok(Outcome::stream(summary))
        }
        Dest::Path(path) => {
            Ok(decrypt_opened(decryptor, path, overwrite, options, control).map_err(lift)?)
        }
        Dest::Folder {
            target,
            name_source,
            claims,
        } => {
            let stored = decryptor.metadata().name.clone();
            let (output, notes) =
                restore_target(target, &stored, name_source, claims, [name_source])?;
            let mut outcome =
                decrypt_opened(decryptor, &output, overwrite, options, control).map_err(lift)?;
            outcome.notes.splice(0..0, notes);
            Ok(outcome)
        }
    }
}
