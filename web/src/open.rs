//! Opening what the user picked: sealed files, armored text files, and the
//! parts of split files, in any order. What each file is comes from the core
//! (`recognise`, `split::check_set`); this module only groups the browser's
//! files and streams them through the core's `Decryptor`.

use std::collections::BTreeMap;
use std::io::{BufReader, Read};

use tgseal_core::armor::{Armored, MAX_TEXT};
use tgseal_core::recognise::{SNIFF_LEN, SealedShape, recognise};
use tgseal_core::split::{PART_HEADER_LEN, PartFile, check_set, parse_part_name, parts_base};
use tgseal_core::{ContentKind, Control, DecryptOptions, Decryptor, Keyring, names};
use web_sys::File;

use crate::io::{BlobReader, SinkWriter};
use crate::outputs::Output;

/// One sealed input among the picked files.
pub enum Sealed {
    /// A binary sealed file.
    Binary(File),
    /// Armored text (or what was not recognised, which may hold armor late).
    Armored(File),
    /// The parts of one split file, in order, with the sealed bytes each carries.
    Parts {
        /// `x.tgseal` for `x.tgseal.001`, ….
        base: String,
        /// The parts, in order.
        parts: Vec<(File, u64)>,
    },
}

impl Sealed {
    /// The sealed file's name behind its shape, which names the output when
    /// the sealed file stores no name (`x.tgseal.txt` and the parts
    /// `x.tgseal.001`, … stand for `x.tgseal`).
    pub fn sealed_name(&self) -> String {
        match self {
            Sealed::Binary(file) => file.name(),
            Sealed::Armored(file) => {
                let name = file.name();
                parts_base(name.strip_suffix(".txt").unwrap_or(&name))
            }
            Sealed::Parts { base, .. } => base.clone(),
        }
    }

    /// Bytes read to open it.
    pub fn size(&self) -> u64 {
        match self {
            Sealed::Binary(file) | Sealed::Armored(file) => file.size() as u64,
            Sealed::Parts { parts, .. } => parts.iter().map(|(_, len)| len).sum(),
        }
    }

    /// The sealed bytes.
    pub(crate) fn reader(&self) -> tgseal_core::Result<Box<dyn Read>> {
        Ok(match self {
            // BlobReader hands out its blocks directly: a BufReader would copy once more.
            Sealed::Binary(file) => Box::new(BlobReader::new(file)?),
            Sealed::Armored(file) => Box::new(Armored::open(|| {
                Ok(BufReader::with_capacity(1 << 20, BlobReader::new(file)?))
            })?),
            Sealed::Parts { parts, .. } => {
                let mut chained: Box<dyn Read> = Box::new(std::io::empty());
                for (file, len) in parts {
                    // Each part's payload, after its 40-byte header (FORMAT.md §10).
                    let start = PART_HEADER_LEN as f64;
                    let payload = file
                        .slice_with_f64_and_f64(start, start + *len as f64)
                        .map_err(crate::io::js_io)?;
                    chained = Box::new(chained.chain(BlobReader::new(&payload)?));
                }
                chained
            }
        })
    }
}

/// Groups the picked files into sealed inputs: every part with the other
/// parts named like it (checked as one set, so a missing, duplicated or
/// foreign part is named), every other file on its own.
pub fn group(files: &[File]) -> tgseal_core::Result<Vec<Sealed>> {
    let mut inputs = Vec::new();
    let mut sets: BTreeMap<String, Vec<(File, Vec<u8>)>> = BTreeMap::new();
    for file in files {
        let head = BlobReader::head(file, SNIFF_LEN)?;
        let name = file.name();
        match recognise(&head, &name) {
            Some(SealedShape::Part) => {
                let base = parse_part_name(&name).map_or(name.as_str(), |(base, _)| base);
                sets.entry(base.to_owned())
                    .or_default()
                    .push((file.clone(), head));
            }
            Some(SealedShape::Binary) => inputs.push(Sealed::Binary(file.clone())),
            // Armor, or not recognised: armor whose BEGIN line comes late,
            // or nothing sealed at all, which the armor reader then says.
            _ => inputs.push(Sealed::Armored(file.clone())),
        }
    }
    for (base, members) in sets {
        let names: Vec<String> = members.iter().map(|(file, _)| file.name()).collect();
        let candidates: Vec<PartFile<'_>> = members
            .iter()
            .zip(&names)
            .map(|((file, head), name)| PartFile {
                name,
                start: &head[..head.len().min(PART_HEADER_LEN)],
                size: file.size() as u64,
            })
            .collect();
        let order = check_set(&base, &candidates, None)?;
        let parts = order
            .into_iter()
            .map(|(i, len)| (members[i].0.clone(), len))
            .collect();
        inputs.push(Sealed::Parts { base, parts });
    }
    Ok(inputs)
}

/// What opening one input gave.
pub enum Opened {
    /// A file (or a folder's archive) written to the staging area.
    Staged(Output),
    /// A text message, verified, to show in the page.
    Text(String),
}

/// An input whose header authenticated.
pub enum Begun {
    /// A text message, already opened and verified.
    Text(String),
    /// A file (or a folder's archive), its payload not yet read.
    File {
        /// What to offer it as.
        name: String,
        /// The authenticated stream (boxed: it is large).
        decryptor: Box<Decryptor<Box<dyn Read>>>,
    },
}

/// Opens `input`'s header with `keyring`: the KDF cap, Argon2id, the
/// passphrase check, the header MAC. A text message is opened whole here
/// (it is small); a file's payload is left to the caller. `on_key` is called
/// before the key derivation.
pub fn begin(
    input: &Sealed,
    keyring: &Keyring,
    control: &Control,
    on_key: impl FnOnce(),
) -> tgseal_core::Result<Begun> {
    on_key();
    let decryptor = Decryptor::new(input.reader()?, keyring).map_err(tgseal_core::lift)?;
    let metadata = decryptor.metadata().clone();
    if metadata.kind == ContentKind::Text
        && metadata.content_len.is_some_and(|n| n <= MAX_TEXT as u64)
    {
        let mut text = Vec::new();
        decryptor
            .decrypt_to_with(&mut text, &one_thread(), control)
            .map_err(tgseal_core::lift)?;
        return Ok(Begun::Text(String::from_utf8_lossy(&text).into_owned()));
    }
    let mut name = names::restored_name(&metadata.name, &input.sealed_name());
    if metadata.kind == ContentKind::Folder {
        // The browser cannot extract a folder: it saves the archive, which
        // every system's file manager opens (FORMAT.md §4.3).
        name.push_str(".tar");
    }
    Ok(Begun::File {
        name: names::download_name(&name),
        decryptor: Box::new(decryptor),
    })
}

/// Opens a file's payload in this worker into `sink`, each 256 KiB chunk
/// written straight to the staging file only after it verified.
pub fn payload_here(
    name: String,
    decryptor: Box<Decryptor<Box<dyn Read>>>,
    sink: &mut SinkWriter,
    control: &Control,
) -> tgseal_core::Result<Output> {
    let start = sink.position();
    decryptor
        .decrypt_to_with(&mut *sink, &one_thread(), control)
        .map_err(tgseal_core::lift)?;
    Ok(Output {
        name,
        start,
        len: sink.position() - start,
    })
}

/// The web build has no threads: the core opens on the calling thread.
fn one_thread() -> DecryptOptions {
    DecryptOptions::default().with_threads(1)
}
