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

/// Keeps the last path component, drops control characters; refuses what could
/// not be a file name (empty, `.`, `..`). A sealed file's stored name is
/// authenticated, but it came from whoever sealed it: never trust it as a path.
pub fn safe_base_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        None
    } else {
        Some(cleaned)
    }
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
        assert_eq!(restored_name("", "blob"), "blob.decrypted");
        assert_eq!(sealed_name("a.pdf"), "a.pdf.tgseal");
    }
}
