//! Split sealed files (FORMAT.md §10): a sealed stream cut into parts that each
//! fit a chat's upload limit, `NAME.tgseal.001`, `NAME.tgseal.002`, …
//!
//! Every part starts with a 40-byte part header (magic `tgsealp`, version, a
//! random set id, its number, the number of parts, its payload length). The
//! payloads of all parts, concatenated in order, are exactly one ordinary sealed
//! file, so integrity still comes from the header MAC and the STREAM (§2, §5);
//! part headers are only checked for consistency, to name the broken part.

//!
//! This module is the part framing only (names and the 40-byte header); the
//! files of a part set are found, written and read by the workflow layer
//! (`tgseal-workflow`'s `parts` module).

use std::collections::HashMap;

use crate::error::PartProblem;
use crate::names::SEALED_EXTENSION;
use crate::{Error, Result};

/// §10: the first seven bytes of every part.
pub const PART_MAGIC: &[u8; 7] = b"tgsealp";
/// §10: the part format version.
pub const PART_VERSION: u8 = 1;
/// §10: bytes of the part header.
pub const PART_HEADER_LEN: usize = 40;

/// How many missing part numbers an error lists; the rest are counted.
pub const MAX_MISSING_LISTED: usize = 10;
/// The smallest part size accepted when splitting: 1 KiB. Smaller parts would
/// only make thousands of files.
pub const MIN_PART_SIZE: u64 = 1024;

/// Telegram's file limit for regular accounts: 2000 MiB.
pub const TELEGRAM: u64 = 2000 * 1024 * 1024;
/// Telegram's file limit for Premium accounts: 4000 MiB.
pub const TELEGRAM_PREMIUM: u64 = 4000 * 1024 * 1024;
/// The Bot API's upload limit: 50 MB.
pub const BOT: u64 = 50_000_000;

/// §10 writer: the sealed bytes each part carries, every part but the last
/// filled to the limit (its 40-byte header included).
pub fn payload_capacity(limit: u64) -> u64 {
    limit.saturating_sub(PART_HEADER_LEN as u64)
}

/// Parses a part size: `telegram`, `telegram-premium`, `bot`, plain bytes
/// (`1048576`), or a number with a unit. `K`, `M`, `G` (and `KiB`, `MiB`,
/// `GiB`) are powers of 1024; `KB`, `MB`, `GB` powers of 1000. Fractions are
/// allowed (`1.5G`), rounded down to whole bytes. Units are case-insensitive.
pub fn parse_part_size(text: &str) -> std::result::Result<u64, String> {
    let text = text.trim();
    let size = match text.to_ascii_lowercase().as_str() {
        "telegram" => TELEGRAM,
        "telegram-premium" | "premium" => TELEGRAM_PREMIUM,
        "bot" => BOT,
        lower => {
            let split = lower
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(lower.len());
            let (number, unit) = lower.split_at(split);
            let factor: u64 = match unit.trim() {
                "" | "b" => 1,
                "k" | "kib" => 1 << 10,
                "m" | "mib" => 1 << 20,
                "g" | "gib" => 1 << 30,
                "kb" => 1_000,
                "mb" => 1_000_000,
                "gb" => 1_000_000_000,
                other => {
                    return Err(format!(
                        "unknown unit {other:?} (use K, M, G = KiB, MiB, GiB; KB, MB, GB = 1000-based; \
                         or telegram, telegram-premium, bot)"
                    ));
                }
            };
            if let Ok(whole) = number.parse::<u64>() {
                whole
                    .checked_mul(factor)
                    .ok_or_else(|| format!("{text:?} is too large"))?
            } else {
                let value: f64 = number
                    .parse()
                    .map_err(|_| format!("{text:?} is not a size (e.g. 500M, 1.5G, bot)"))?;
                let bytes = value * factor as f64;
                if !(bytes.is_finite() && bytes < u64::MAX as f64) {
                    return Err(format!("{text:?} is too large"));
                }
                bytes as u64
            }
        }
    };
    if size < MIN_PART_SIZE {
        return Err(format!(
            "a part must be at least {MIN_PART_SIZE} bytes, {text:?} is {size}"
        ));
    }
    Ok(size)
}

/// §10: the file name of part `number` of `count`: `BASE.001` … (three digits,
/// more only when there are over 999 parts), so parts sort and group together.
pub fn part_name(base: &str, number: u32, count: u32) -> String {
    let width = count.to_string().len().max(3);
    format!("{base}.{number:0width$}")
}

/// Splits a part's file name into (base, number): `a.tgseal.002` → (`a.tgseal`, 2).
pub fn parse_part_name(name: &str) -> Option<(&str, u32)> {
    let (base, digits) = name.rsplit_once('.')?;
    if base.is_empty() || digits.len() < 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((base, digits.parse().ok()?))
}

/// §10: a part header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartHeader {
    /// The random id shared by every part of one set.
    pub set_id: [u8; 16],
    /// This part's number, 1-based.
    pub number: u32,
    /// How many parts the set has.
    pub count: u32,
    /// Bytes of sealed stream this part carries after its header.
    pub payload_len: u64,
}

impl PartHeader {
    /// The 40 header bytes (§10).
    pub fn to_bytes(self) -> [u8; PART_HEADER_LEN] {
        let mut out = [0u8; PART_HEADER_LEN];
        out[..7].copy_from_slice(PART_MAGIC);
        out[7] = PART_VERSION;
        out[8..24].copy_from_slice(&self.set_id);
        out[24..28].copy_from_slice(&self.number.to_le_bytes());
        out[28..32].copy_from_slice(&self.count.to_le_bytes());
        out[32..40].copy_from_slice(&self.payload_len.to_le_bytes());
        out
    }

    /// Reads a header from the first bytes of a part, checking what can be
    /// checked without the other parts.
    pub fn parse(bytes: &[u8]) -> std::result::Result<Self, PartProblem> {
        if bytes.len() < PART_MAGIC.len() || &bytes[..7] != PART_MAGIC {
            return Err(PartProblem::NotAPart(
                "it does not start with the part magic",
            ));
        }
        if bytes.len() < PART_HEADER_LEN {
            return Err(PartProblem::NotAPart("its part header is cut short"));
        }
        if bytes[7] != PART_VERSION {
            return Err(PartProblem::NotAPart(
                "unsupported part version (a newer tgseal may open it)",
            ));
        }
        let u32_at =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let mut set_id = [0u8; 16];
        set_id.copy_from_slice(&bytes[8..24]);
        let mut len = [0u8; 8];
        len.copy_from_slice(&bytes[32..40]);
        let header = PartHeader {
            set_id,
            number: u32_at(24),
            count: u32_at(28),
            payload_len: u64::from_le_bytes(len),
        };
        if header.count == 0 || header.number == 0 || header.number > header.count {
            return Err(PartProblem::NotAPart("its part number is out of range"));
        }
        if header.payload_len == 0 {
            return Err(PartProblem::NotAPart("it announces an empty payload"));
        }
        if header.part_len().is_none() {
            return Err(PartProblem::NotAPart(
                "it announces a payload longer than any file can be",
            ));
        }
        Ok(header)
    }

    /// The length of the whole part file, header included: 40 + payload
    /// length, or `None` when that does not fit in a u64 (§10: such a
    /// header is not a part).
    pub fn part_len(&self) -> Option<u64> {
        self.payload_len.checked_add(PART_HEADER_LEN as u64)
    }
}

/// The base name for the parts of `sealed_name` (`x.tgseal` stays `x.tgseal`).
pub fn parts_base(sealed_name: &str) -> String {
    if sealed_name.ends_with(&format!(".{SEALED_EXTENSION}")) {
        sealed_name.to_owned()
    } else {
        format!("{sealed_name}.{SEALED_EXTENSION}")
    }
}

/// One file offered as a part of a split sealed file: its file name, its first
/// bytes (the 40-byte part header, or fewer if the file is shorter) and its size.
#[derive(Clone, Copy, Debug)]
pub struct PartFile<'a> {
    /// The file name (no folder).
    pub name: &'a str,
    /// The file's first bytes, at least [`PART_HEADER_LEN`] when it has them.
    pub start: &'a [u8],
    /// The file's size in bytes.
    pub size: u64,
}

/// §10 reader: checks that `files` are one complete, consistent set of parts
/// named after `base` (`x.tgseal` for `x.tgseal.001`, …) and returns, in part
/// order, each part's index in `files` and the sealed bytes it carries. Every
/// problem names the file concerned (a missing part by its expected name),
/// checked in the order FORMAT.md §10 gives. `given` is the name of the part
/// the user pointed at, which breaks a tie between two sets.
pub fn check_set(
    base: &str,
    files: &[PartFile<'_>],
    given: Option<&str>,
) -> Result<Vec<(usize, u64)>> {
    let broken = |name: &str, problem| Error::BrokenPart {
        name: name.to_owned(),
        problem,
    };
    let mut headers = Vec::with_capacity(files.len());
    for file in files {
        let header = PartHeader::parse(file.start).map_err(|problem| broken(file.name, problem))?;
        headers.push(header);
    }
    // The set is the one most files belong to (the given part breaks ties).
    let mut votes: HashMap<[u8; 16], (usize, bool)> = HashMap::new();
    for (file, header) in files.iter().zip(&headers) {
        let vote = votes.entry(header.set_id).or_default();
        vote.0 += 1;
        vote.1 |= given == Some(file.name);
    }
    let Some(set_id) = votes
        .iter()
        .max_by_key(|(_, (count, given))| (*count, *given))
        .map(|(id, _)| *id)
    else {
        return Err(broken(base, PartProblem::NotAPart("no parts found")));
    };
    if let Some((file, _)) = files.iter().zip(&headers).find(|(_, h)| h.set_id != set_id) {
        return Err(broken(file.name, PartProblem::Foreign));
    }
    let count = headers[0].count;
    if let Some((file, _)) = files.iter().zip(&headers).find(|(_, h)| h.count != count) {
        return Err(broken(
            file.name,
            PartProblem::NotAPart(
                "its header disagrees with the other parts about the number of parts",
            ),
        ));
    }
    let mut by_number: HashMap<u32, &str> = HashMap::new();
    for (file, header) in files.iter().zip(&headers) {
        if let Some(other) = by_number.insert(header.number, file.name) {
            // Report the later name (in sort order) as the duplicate.
            let (first, second) = if other < file.name {
                (other, file.name)
            } else {
                (file.name, other)
            };
            return Err(broken(
                second,
                PartProblem::Duplicate {
                    number: header.number,
                    other: first.to_owned(),
                },
            ));
        }
    }
    for (file, header) in files.iter().zip(&headers) {
        // A name without a part number (a renamed download) says nothing.
        if let Some((_, named)) = parse_part_name(file.name)
            && named != header.number
        {
            return Err(broken(
                file.name,
                PartProblem::Misnamed {
                    number: header.number,
                    named,
                },
            ));
        }
    }
    // `count` is the header's word (up to 2^32 − 1): list the first missing
    // numbers only, and count the rest. Every found number is in 1..=count
    // (checked with the header), so the scan stops after at most
    // files + MAX_MISSING_LISTED steps.
    let missing: Vec<u32> = (1..=count)
        .filter(|number| !by_number.contains_key(number))
        .take(MAX_MISSING_LISTED)
        .collect();
    if let Some((&number, more)) = missing.split_first() {
        let found = u32::try_from(by_number.len()).unwrap_or(u32::MAX);
        let listed = u32::try_from(missing.len()).unwrap_or(u32::MAX);
        return Err(broken(
            &part_name(base, number, count),
            PartProblem::Missing {
                number,
                count,
                more: more.to_vec(),
                unlisted: count.saturating_sub(found).saturating_sub(listed),
            },
        ));
    }
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| headers[i].number);
    order
        .into_iter()
        .map(|i| {
            let expected = PART_HEADER_LEN as u64 + headers[i].payload_len;
            if files[i].size != expected {
                return Err(broken(
                    files[i].name,
                    PartProblem::Truncated {
                        expected,
                        actual: files[i].size,
                    },
                ));
            }
            Ok((i, headers[i].payload_len))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_documented_units() {
        assert_eq!(parse_part_size("telegram"), Ok(2_097_152_000));
        assert_eq!(parse_part_size("telegram-premium"), Ok(4_194_304_000));
        assert_eq!(parse_part_size("bot"), Ok(50_000_000));
        assert_eq!(parse_part_size("500M"), Ok(500 << 20));
        assert_eq!(parse_part_size("500MB"), Ok(500_000_000));
        assert_eq!(parse_part_size("1.5G"), Ok(3 << 29));
        assert_eq!(parse_part_size("700K"), Ok(700 * 1024));
        assert_eq!(parse_part_size("700kib"), Ok(700 * 1024));
        assert_eq!(parse_part_size("4096"), Ok(4096));
        assert!(parse_part_size("12").is_err());
        assert!(parse_part_size("5X").is_err());
        assert!(parse_part_size("").is_err());
    }

    #[test]
    fn part_lengths_near_u64_max_are_not_parts() {
        let header = |payload_len| {
            PartHeader {
                set_id: [1; 16],
                number: 1,
                count: 1,
                payload_len,
            }
            .to_bytes()
        };
        for too_long in [u64::MAX, u64::MAX - 1, u64::MAX - 39] {
            assert_eq!(
                PartHeader::parse(&header(too_long)),
                Err(PartProblem::NotAPart(
                    "it announces a payload longer than any file can be"
                )),
                "{too_long}"
            );
        }
        let longest = PartHeader::parse(&header(u64::MAX - 40)).unwrap();
        assert_eq!(longest.part_len(), Some(u64::MAX));
    }

    #[test]
    fn part_names_sort() {
        assert_eq!(part_name("a.tgseal", 2, 3), "a.tgseal.002");
        assert_eq!(part_name("a.tgseal", 2, 1200), "a.tgseal.0002");
        assert_eq!(parse_part_name("a.tgseal.002"), Some(("a.tgseal", 2)));
        assert_eq!(parse_part_name("a.tgseal"), None);
        assert_eq!(parse_part_name("a.tgseal.02"), None);
    }

    #[test]
    fn a_header_claiming_billions_of_parts_lists_ten_and_counts_the_rest() {
        // Found by the part_set fuzz target: the missing numbers were all
        // collected, 16 GiB for a count of 2^32 − 1.
        let header: &'static [u8; 40] = Box::leak(Box::new(
            PartHeader {
                set_id: [7; 16],
                number: 1,
                count: u32::MAX,
                payload_len: 10,
            }
            .to_bytes(),
        ));
        let files = [PartFile {
            name: "x.tgseal.0000000001",
            start: header,
            size: 50,
        }];
        let err = check_set("x.tgseal", &files, None).unwrap_err();
        assert!(matches!(
            &err,
            Error::BrokenPart {
                problem: PartProblem::Missing { number: 2, more, unlisted: 4_294_967_284, .. },
                ..
            } if more.len() == MAX_MISSING_LISTED - 1
        ));
        assert!(
            err.to_string().ends_with(
                "parts 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 4294967284 more of 4294967295 are missing"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_set_is_ordered_and_its_problems_are_named() {
        let header = |number, payload_len| {
            PartHeader {
                set_id: [7; 16],
                number,
                count: 3,
                payload_len,
            }
            .to_bytes()
        };
        let (h1, h2, h3) = (header(1, 10), header(2, 10), header(3, 4));
        let file = |name, start: &'static [u8; 40], size| PartFile { name, start, size };
        let h1: &'static [u8; 40] = Box::leak(Box::new(h1));
        let h2: &'static [u8; 40] = Box::leak(Box::new(h2));
        let h3: &'static [u8; 40] = Box::leak(Box::new(h3));
        let files = [
            file("x.tgseal.003", h3, 44),
            file("x.tgseal.001", h1, 50),
            file("x.tgseal.002", h2, 50),
        ];
        assert_eq!(
            check_set("x.tgseal", &files, None).unwrap(),
            vec![(1, 10), (2, 10), (0, 4)]
        );
        let err = check_set("x.tgseal", &[files[0], files[1]], None).unwrap_err();
        assert_eq!(err.to_string(), "x.tgseal.002: part 2 of 3 is missing");
        // Every missing part is named, not only the first.
        let err = check_set("x.tgseal", &[files[0]], None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.tgseal.001: parts 1 and 2 of 3 are missing"
        );
        let renamed = [file("x.tgseal.002", h1, 50)];
        assert!(matches!(
            check_set("x.tgseal", &renamed, None),
            Err(Error::BrokenPart {
                problem: PartProblem::Misnamed { .. },
                ..
            })
        ));
        let short = [files[0], files[1], file("x.tgseal.002", h2, 49)];
        assert!(matches!(
            check_set("x.tgseal", &short, None),
            Err(Error::BrokenPart {
                problem: PartProblem::Truncated { .. },
                ..
            })
        ));
    }
}
