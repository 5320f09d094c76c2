//! Neutral output names that say nothing about the content (hidden names).
//! The real name travels inside the ciphertext (FORMAT.md §4.2) and is restored
//! on decryption.

use crate::Result;
use crate::crypto::keys::fill_random;

/// The extension of a sealed file (`report.pdf.tgseal`). Never `.tgs`: that
/// is Telegram's animated-sticker format.
pub const SEALED_EXTENSION: &str = "tgseal";

/// The characters of a random name: lowercase letters and digits, which every
/// file system and chat app keeps as they are.
const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
/// Length of a random name: 36^8 ≈ 2^41 names, so two files sent to the same
/// chat practically never collide.
pub const RANDOM_NAME_LEN: usize = 8;

/// Eight random characters from the OS CSPRNG, e.g. `k3v9x2qa`. Each character
/// is chosen without bias (bytes ≥ 252 = 7 × 36 are rejected and redrawn).
pub fn random_stem() -> Result<String> {
    let mut name = String::with_capacity(RANDOM_NAME_LEN);
    let mut pool = [0u8; 32];
    while name.len() < RANDOM_NAME_LEN {
        fill_random(&mut pool)?;
        for &byte in &pool {
            if byte < 252 && name.len() < RANDOM_NAME_LEN {
                name.push(char::from(ALPHABET[usize::from(byte % 36)]));
            }
        }
    }
    Ok(name)
}

/// A random sealed-file name, e.g. `k3v9x2qa.tgseal`.
pub fn random_sealed_name() -> Result<String> {
    Ok(format!("{}.{SEALED_EXTENSION}", random_stem()?))
}

/// The plain sealed name of an input: `report.pdf` → `report.pdf.tgseal`.
pub fn sealed_name(input_name: &str) -> String {
    format!("{input_name}.{SEALED_EXTENSION}")
}

/// The name to restore a sealed file under: the stored name reduced to a
/// safe base name, else the sealed file's own name (`sealed_name`, a file
/// name without folders) without `.tgseal`, else that name with `.decrypted`.
pub fn restored_name(stored: &str, sealed_name: &str) -> String {
    if let Some(name) = safe_base_name(stored) {
        return name;
    }
    match sealed_name.strip_suffix(&format!(".{SEALED_EXTENSION}")) {
        Some(stem) if safe_base_name(stem).is_some() => stem.to_owned(),
        _ => format!("{sealed_name}.decrypted"),
    }
}

/// The longest name a browser download is offered under. Browsers save to
/// `NAME.crdownload` (Chromium) or `NAME.part` (Firefox) first and may add
/// ` (1)` to avoid a clash; on Linux a 254-byte restored name then exceeds
/// the 255-byte limit and the download fails without a word.
pub const MAX_DOWNLOAD_NAME: usize = 200;

/// `name` (a restored name, or one with `.tar` added) as a browser download
/// may be named: at most [`MAX_DOWNLOAD_NAME`] bytes, whole characters, the
/// extension kept.
pub fn download_name(name: &str) -> String {
    if name.len() <= MAX_DOWNLOAD_NAME {
        name.to_owned()
    } else {
        crate::untrusted::shorten(name, MAX_DOWNLOAD_NAME)
    }
}

/// Keeps the last path component, drops control, bidirectional and other
/// invisible characters, shortens a name too long for a file system; refuses
/// what could not be a file name (empty, `.`, `..`). A sealed file's stored
/// name is authenticated, but it came from whoever sealed it: never trust it
/// as a path (the rules: [`crate::untrusted::restored_name`]). On Windows the
/// name is also made one Windows can create ([`windows_safe_name`]).
pub fn safe_base_name(name: &str) -> Option<String> {
    let name = crate::untrusted::restored_name(name)?.name;
    if cfg!(windows) {
        windows_safe_name(&name)
    } else {
        Some(name)
    }
}
/// A base name as Windows can create it, or None when nothing is left. On
/// Windows, [`safe_base_name`] passes every name through this; it is compiled
/// everywhere so its tests run on every machine.
///
/// - The characters Windows refuses in a name (`<>:"/\|?*` and control
///   characters) become `_`: a `:` would otherwise name a drive (`C:x.txt`
///   is relative to drive C's current folder, outside the output folder) or
///   an alternate data stream of another file (`a.txt:x`).
/// - Trailing dots and spaces go: Windows drops them when it creates the
///   file, so the name written would not be the name reported.
/// - A device name (`CON`, `nul.txt`, `COM1.tar.gz`: the part before the
///   first dot, in any case) gets a `_` in front: Windows opens the device
///   instead of a file of that name.
pub fn windows_safe_name(name: &str) -> Option<String> {
    let replaced: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"/\\|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = replaced.trim_end_matches(['.', ' ']);
    if trimmed.is_empty() {
        return None;
    }
    let stem = trimmed.split('.').next().unwrap_or_default();
    if is_windows_device_name(stem.trim_end_matches(' ')) {
        Some(format!("_{trimmed}"))
    } else {
        Some(trimmed.to_owned())
    }
}

/// `CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9` (also with the
/// superscript digits ¹²³ Windows accepts there), `CONIN$`, `CONOUT$`.
fn is_windows_device_name(stem: &str) -> bool {
    let upper = stem.to_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let mut chars = upper.chars();
    let prefix: String = chars.by_ref().take(3).collect();
    let rest: Vec<char> = chars.collect();
    (prefix == "COM" || prefix == "LPT")
        && matches!(rest.as_slice(), [c] if c.is_ascii_digit() || "¹²³".contains(*c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_names_look_neutral_and_differ() {
        let a = random_sealed_name().unwrap();
        let b = random_sealed_name().unwrap();
        assert_ne!(a, b);
        let stem = a.strip_suffix(".tgseal").unwrap();
        assert_eq!(stem.len(), RANDOM_NAME_LEN);
        assert!(stem.bytes().all(|c| ALPHABET.contains(&c)));
    }

    #[test]
    fn restored_names_are_base_names() {
        let sealed = "holiday.jpg.tgseal";
        assert_eq!(restored_name("report.pdf", sealed), "report.pdf");
        assert_eq!(restored_name("../../etc/passwd", sealed), "passwd");
        assert_eq!(restored_name("C:\\Users\\a\\b.txt", sealed), "b.txt");
        assert_eq!(restored_name("..", sealed), "holiday.jpg");
        assert_eq!(restored_name("", sealed), "holiday.jpg");
        assert_eq!(restored_name("bad\u{7}\nname", sealed), "badname");
        assert_eq!(
            restored_name("invoice\u{202e}gpj.exe", sealed),
            "invoicegpj.exe"
        );
        assert_eq!(restored_name("", "blob"), "blob.decrypted");
        assert_eq!(sealed_name("a.pdf"), "a.pdf.tgseal");
    }

    #[test]
    fn download_names_leave_room_for_the_browsers_suffixes() {
        assert_eq!(download_name("report.pdf"), "report.pdf");
        let long = format!("{}.tar", "ж".repeat(127));
        let short = download_name(&long);
        assert!(short.len() <= MAX_DOWNLOAD_NAME, "{}", short.len());
        assert!(short.len() + ".crdownload (1)".len() <= 255);
        assert!(short.ends_with(".tar") && short.starts_with("жж"));
    }

    /// What [`safe_base_name`] does on Windows, tested on every machine.
    fn restored_on_windows(stored: &str) -> Option<String> {
        safe_base_name(stored).and_then(|name| windows_safe_name(&name))
    }

    #[test]
    fn names_invalid_on_windows_are_made_valid() {
        let cases = [
            // paths with backslashes and drive letters: the last component
            ("C:\\Users\\a\\report.pdf", "report.pdf"),
            ("\\\\server\\share\\b.txt", "b.txt"),
            ("D:/photos/x.jpg", "x.jpg"),
            // drive-relative and stream names: no ':' survives
            ("C:report.pdf", "C_report.pdf"),
            ("notes.txt:hidden", "notes.txt_hidden"),
            ("a:b", "a_b"),
            // characters Windows refuses
            ("what? <really> \"yes\" | *", "what_ _really_ _yes_ _ _"),
            // trailing dots and spaces
            ("report.", "report"),
            ("report.pdf . .", "report.pdf"),
            // device names, with or without extension, in any case
            ("CON", "_CON"),
            ("con.txt", "_con.txt"),
            ("Nul.tar.gz", "_Nul.tar.gz"),
            ("COM1", "_COM1"),
            ("lpt9.log", "_lpt9.log"),
            ("COM\u{b9}", "_COM\u{b9}"),
            ("AUX .txt", "_AUX .txt"),
            ("CONOUT$", "_CONOUT$"),
            // close to a device name, but not one
            ("CONSOLE.txt", "CONSOLE.txt"),
            ("COM10", "COM10"),
            ("LPT", "LPT"),
            ("xcon", "xcon"),
            // nothing left: the caller falls back to the sealed file's name
        ];
        for (stored, expected) in cases {
            assert_eq!(
                restored_on_windows(stored).as_deref(),
                Some(expected),
                "{stored:?}"
            );
        }
        for stored in ["...", ". .", "a\\..", "C:\\", "?"] {
            let restored = restored_on_windows(stored);
            assert!(
                restored.as_deref().is_none_or(|n| n == "_"),
                "{stored:?} -> {restored:?}"
            );
        }
        // Already valid names pass unchanged, so on Windows the rule is idempotent.
        for name in ["report.pdf", "_CON", "C_report.pdf", "Ünïcödé файл.txt"] {
            assert_eq!(windows_safe_name(name).as_deref(), Some(name));
        }
    }
}
