//! What an input holds, told by its first bytes rather than its name, so
//! renamed downloads still open. Every front end asks here: the workflow
//! layer for files on disk, the web app for files a browser hands it.

use crate::armor;
use crate::crypto::format::MAGIC;
use crate::names::SEALED_EXTENSION;
use crate::split::{PART_MAGIC, parse_part_name};

/// How many first bytes of an input are enough to recognise it: the armor
/// BEGIN line may follow a few words of a saved chat message.
pub const SNIFF_LEN: usize = 1024;

/// The shapes a sealed file arrives in (docs/TELEGRAM.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SealedShape {
    /// A binary sealed file (FORMAT.md §1–7).
    Binary,
    /// Armored text (§11): one block, or the pieces of a text message.
    Armored,
    /// One part of a split sealed file (§10).
    Part,
}

/// Recognises a sealed input from its first bytes (up to [`SNIFF_LEN`]) and
/// its file name; `None` for anything else (content to seal). A file named
/// like a sealed part (`x.tgseal.001`) is taken for one unless it is a whole
/// sealed file, so that a damaged part gets a part error rather than "not a
/// sealed file".
pub fn recognise(start: &[u8], name: &str) -> Option<SealedShape> {
    // The part magic `tgsealp` begins with the sealed-file magic `tgseal`:
    // test it first.
    if start.starts_with(PART_MAGIC) || (named_as_sealed_part(name) && !start.starts_with(MAGIC)) {
        Some(SealedShape::Part)
    } else if start.starts_with(MAGIC) {
        Some(SealedShape::Binary)
    } else if armor::looks_armored(start) {
        Some(SealedShape::Armored)
    } else {
        None
    }
}

/// Whether `name` is named like a part of a sealed file (`x.tgseal.001`).
pub fn named_as_sealed_part(name: &str) -> bool {
    parse_part_name(name).is_some_and(|(base, _)| base.ends_with(&format!(".{SEALED_EXTENSION}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_told_by_their_bytes() {
        assert_eq!(recognise(b"tgseal\x01rest", "x"), Some(SealedShape::Binary));
        assert_eq!(recognise(b"tgsealp\x01rest", "x"), Some(SealedShape::Part));
        assert_eq!(
            recognise(b"hi\n-----BEGIN TGSEAL SEALED FILE-----\n", "x.txt"),
            Some(SealedShape::Armored)
        );
        assert_eq!(
            recognise(b"garbage", "x.tgseal.002"),
            Some(SealedShape::Part)
        );
        assert_eq!(
            recognise(b"tgseal\x01", "x.tgseal.002"),
            Some(SealedShape::Binary)
        );
        assert_eq!(recognise(b"plain text", "notes.txt"), None);
        assert_eq!(recognise(b"", "empty"), None);
    }
}
