//! The shape of a sealed output for a chat (docs/TELEGRAM.md): one binary
//! file, armored text or split parts; the real name or a random one; padded
//! or not. Decided here once for every front end (the workflow layer on disk,
//! the web app in the browser).

use crate::armor::ARMORED_EXTENSION;
use crate::crypto::format::Metadata;
use crate::crypto::padding;
use crate::{Error, Result, names};

/// Choices that change the sealed output's shape, not its cryptography.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShapeOptions {
    /// Cut into parts of at most this many bytes (FORMAT.md §10).
    pub split: Option<u64>,
    /// Give the output a random neutral name; the real one stays inside.
    pub hide_name: bool,
    /// Pad the content with Padmé so the exact size does not show (FORMAT.md §9).
    pub pad: bool,
    /// Write armored text instead of binary (FORMAT.md §11).
    pub armor: bool,
}

impl ShapeOptions {
    /// `name` with `.txt` added when the output is armored text (split parts
    /// are always binary, so they never are). Parts add their numbers to it.
    pub fn armored_name(&self, name: &str) -> String {
        if self.armor && self.split.is_none() {
            format!("{name}.{ARMORED_EXTENSION}")
        } else {
            name.to_owned()
        }
    }

    /// The output file name for the plain sealed name `name`
    /// (`report.pdf.tgseal`, see [`names::sealed_name`]): a random name when
    /// names are hidden, `.txt` added for armored text. Parts add their
    /// numbers to it ([`crate::split::part_name`]).
    pub fn output_name(&self, name: &str) -> Result<String> {
        Ok(if self.hide_name {
            self.armored_name(&names::random_sealed_name()?)
        } else {
            self.armored_name(name)
        })
    }

    /// `metadata` as this shape seals it: with its Padmé padding when padded
    /// (FORMAT.md §9), which needs the content length in advance.
    pub fn shaped(&self, metadata: &Metadata) -> Result<Metadata> {
        let mut metadata = metadata.clone();
        if self.pad && !padding::pad(&mut metadata) {
            return Err(Error::CannotPad(
                "the size of a stream is not known in advance",
            ));
        }
        Ok(metadata)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_shape() {
        let plain = ShapeOptions::default();
        assert_eq!(plain.output_name("a.pdf.tgseal").unwrap(), "a.pdf.tgseal");
        let armored = ShapeOptions {
            armor: true,
            ..plain
        };
        assert_eq!(
            armored.output_name("a.pdf.tgseal").unwrap(),
            "a.pdf.tgseal.txt"
        );
        let split_armored = ShapeOptions {
            split: Some(4096),
            ..armored
        };
        assert_eq!(
            split_armored.output_name("a.pdf.tgseal").unwrap(),
            "a.pdf.tgseal"
        );
        let hidden = ShapeOptions {
            hide_name: true,
            ..plain
        };
        let name = hidden.output_name("a.pdf.tgseal").unwrap();
        assert!(
            name.ends_with(".tgseal") && !name.starts_with("a.pdf"),
            "{name}"
        );
    }

    #[test]
    fn padding_needs_a_known_length() {
        let pad = ShapeOptions {
            pad: true,
            ..ShapeOptions::default()
        };
        let padded = pad.shaped(&Metadata::file("x", Some(1000), None)).unwrap();
        assert_eq!(padded.padding_len, 24);
        assert!(matches!(
            pad.shaped(&Metadata::file("x", None, None)),
            Err(Error::CannotPad(_))
        ));
    }
}
