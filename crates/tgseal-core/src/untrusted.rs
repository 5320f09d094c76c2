//! Text chosen by whoever sealed a file — who knows the passphrase and may
//! be the attacker (FORMAT.md §6): the stored name, archive entry names,
//! part and piece fields, age header text, and file names on the user's own
//! disk, which a download may have named. Two uses, one rule for what is
//! dangerous ([`is_hidden`]):
//!
//! - **showing** it ([`escape`]): on a terminal, in a dialog, in JSON — a
//!   control character could move the cursor, retitle the terminal or fake
//!   a line of output; a bidirectional control could make `invoice`, U+202E, `gpj.exe`
//!   read as `invoiceexe.jpg`. They are written out as `\u{…}`, visibly.
//! - **naming a file** after it ([`restored_name`]): such characters are
//!   removed, the path reduced to its last component, and a name longer
//!   than file systems accept shortened (FORMAT.md §4.2).

use std::borrow::Cow;

/// The longest name restored, in UTF-8 bytes: what Linux and macOS accept
/// for one path component (Windows counts 255 UTF-16 units, never fewer
/// than the UTF-8 bytes of the same name).
pub const MAX_RESTORED_NAME: usize = 255;

/// The longest extension kept when a long name is shortened, dot included.
const MAX_KEPT_EXTENSION: usize = 32;

/// Whether `c` must never reach a terminal or a file name as it is: control
/// characters (C0, DEL, C1), bidirectional controls, line and paragraph
/// separators, and the invisible format characters (Unicode category Cf:
/// zero-width spaces and joiners, the byte-order mark, tag characters, …).
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{0600}'..='\u{0605}'
                | '\u{061C}'
                | '\u{06DD}'
                | '\u{070F}'
                | '\u{0890}'..='\u{0891}'
                | '\u{08E2}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{110BD}'
                | '\u{110CD}'
                | '\u{13430}'..='\u{1343F}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0001}'
                | '\u{E0020}'..='\u{E007F}'
        )
}

/// `text` safe to show: every [`is_hidden`] character written out as
/// `\t`, `\n`, `\r` or `\u{…}` (lowercase hex), everything else as it is.
/// Escaping escaped text changes nothing, so layers may each escape what
/// they show.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_hidden(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A text message's content safe to print on a terminal: control
/// characters other than line feed and tab written out as by [`escape`].
/// Unlike names, message text keeps its invisible format characters (the
/// zero-width non-joiner is part of Persian spelling, joiners build emoji):
/// they cannot move a cursor or fake a line.
pub fn escape_message(text: &str) -> Cow<'_, str> {
    let unsafe_control = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_control(c) {
            out.push_str(&escape(c.encode_utf8(&mut [0; 4])));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path or file name safe to show: [`escape`] of its text, where bytes
/// that are not UTF-8 show as U+FFFD.
pub fn escape_path(path: &std::path::Path) -> String {
    escape(&path.to_string_lossy()).into_owned()
}

/// What a stored name became as a file name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoredName {
    /// The name to create.
    pub name: String,
    /// Hidden characters or a path before the last component were removed.
    pub cleaned: bool,
    /// The name was longer than [`MAX_RESTORED_NAME`] bytes and was cut.
    pub shortened: bool,
}

/// The file name to restore a stored name under (FORMAT.md §4.2): its last
/// component (after the last `/` or `\`), without [`is_hidden`] characters
/// and surrounding whitespace, shortened to [`MAX_RESTORED_NAME`] bytes
/// keeping its extension and whole characters. `None` when nothing usable
/// is left (empty, `.`, `..`).
pub fn restored_name(stored: &str) -> Option<RestoredName> {
    let last = stored.rsplit(['/', '\\']).next().unwrap_or("");
    let visible: String = last.chars().filter(|&c| !is_hidden(c)).collect();
    let trimmed = visible.trim();
    if trimmed.is_empty() || trimmed == "." || trimmed == ".." {
        return None;
    }
    let cleaned = trimmed != stored;
    let shortened = trimmed.len() > MAX_RESTORED_NAME;
    let name = if shortened {
        shorten(trimmed, MAX_RESTORED_NAME)
    } else {
        trimmed.to_owned()
    };
    Some(RestoredName {
        name,
        cleaned,
        shortened,
    })
}

/// `name` cut to at most `max` bytes on a character boundary, keeping its
/// extension (the last `.` and what follows, when short and not the whole
/// name), so that the file still opens with the right program.
pub(crate) fn shorten(name: &str, max: usize) -> String {
    let extension = name
        .rfind('.')
        .filter(|&dot| dot > 0 && name.len() - dot <= MAX_KEPT_EXTENSION)
        .map_or("", |dot| &name[dot..]);
    let stem = &name[..name.len() - extension.len()];
    let mut end = max - extension.len();
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    let stem = stem[..end].trim_end();
    format!("{stem}{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_are_shown_not_obeyed() {
        let hostile = "\u{1b}]0;PWNED\u{7}\u{1b}[2K\r\u{1b}[32mopened OK\u{1b}[0m";
        let shown = escape(hostile);
        assert_eq!(
            shown,
            "\\u{1b}]0;PWNED\\u{7}\\u{1b}[2K\\r\\u{1b}[32mopened OK\\u{1b}[0m"
        );
        assert!(!shown.chars().any(is_hidden));
        assert_eq!(escape(&shown), shown, "escaping twice changes nothing");
        // C1 controls (U+009B is a one-character CSI) and DEL too.
        assert_eq!(escape("a\u{9b}31mb\u{7f}"), "a\\u{9b}31mb\\u{7f}");
        assert!(matches!(escape("plain ünïcødé.txt"), Cow::Borrowed(_)));
    }

    #[test]
    fn message_text_keeps_its_lines_and_loses_its_escapes() {
        let text = "line 1\n\tline 2 \u{200c}\u{1b}[2J\r\u{9b}";
        assert_eq!(
            escape_message(text),
            "line 1\n\tline 2 \u{200c}\\u{1b}[2J\\r\\u{9b}"
        );
    }

    #[test]
    fn bidi_controls_are_shown_and_removed_from_names() {
        let name = "invoice\u{202e}gpj.exe";
        assert_eq!(escape(name), "invoice\\u{202e}gpj.exe");
        let restored = restored_name(name).unwrap();
        assert_eq!(restored.name, "invoicegpj.exe");
        assert!(restored.cleaned && !restored.shortened);
        for c in [
            '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{2066}',
            '\u{2067}', '\u{2068}', '\u{2069}', '\u{061c}', '\u{200b}', '\u{feff}', '\u{2028}',
        ] {
            assert!(is_hidden(c), "{:x}", u32::from(c));
            assert_eq!(restored_name(&format!("a{c}b")).unwrap().name, "ab");
        }
    }

    #[test]
    fn names_are_base_names_without_hidden_characters() {
        let name = |s| restored_name(s).map(|r| r.name);
        assert_eq!(name("report.pdf").as_deref(), Some("report.pdf"));
        assert_eq!(name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(name("C:\\Users\\a\\b.txt").as_deref(), Some("b.txt"));
        assert_eq!(name("bad\u{7}\nname").as_deref(), Some("badname"));
        assert_eq!(name(" \u{202e} "), None);
        assert_eq!(name(".."), None);
        assert_eq!(name(""), None);
        assert!(!restored_name("report.pdf").unwrap().cleaned);
    }

    #[test]
    fn long_names_keep_their_extension_and_whole_characters() {
        // 300 bytes of two-byte characters, then ".pdf".
        let long = format!("{}.pdf", "ж".repeat(150));
        let restored = restored_name(&long).unwrap();
        assert!(restored.shortened);
        assert!(restored.name.len() <= MAX_RESTORED_NAME);
        assert!(restored.name.ends_with("ж.pdf"), "{}", restored.name);
        assert_eq!(restored.name.len(), 254, "125 whole characters and .pdf");
        // A name of exactly the limit stays as it is.
        let exact = format!("{}.txt", "a".repeat(MAX_RESTORED_NAME - 4));
        assert_eq!(restored_name(&exact).unwrap().name, exact);
        // No extension to keep (or one too long to be one): cut at the limit.
        let bare = "x".repeat(1024);
        assert_eq!(restored_name(&bare).unwrap().name.len(), MAX_RESTORED_NAME);
        let odd = format!("a.{}", "b".repeat(400));
        assert_eq!(restored_name(&odd).unwrap().name.len(), MAX_RESTORED_NAME);
        // Four-byte characters are never split.
        let emoji = "😀".repeat(100);
        let cut = restored_name(&emoji).unwrap().name;
        assert_eq!(cut.len(), 252);
    }
}
