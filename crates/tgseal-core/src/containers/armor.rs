//! ASCII armor (FORMAT.md §11): a sealed file as text that survives being
//! pasted into a chat message, and short text messages sealed into one or more
//! chat-sized pieces.
//!
//! ```text
//! -----BEGIN TGSEAL SEALED FILE-----
//! dGdzZWFsAQEAAQAAAQAAAAEAAAA...        (base64, 64 characters a line)
//! -----END TGSEAL SEALED FILE-----
//! ```
//!
//! Writing is strict (exactly this layout); reading forgives what chat apps do
//! to pasted text — CR LF line ends, trailing spaces, re-wrapped lines, blank
//! lines, text before and after the block — because all whitespace inside the
//! body is ignored. The base64 itself must be exact and canonical, and the
//! decoded bytes are a sealed file whose header MAC and STREAM authenticate
//! every byte: any change to the content fails.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::control::Control;
use crate::crypto::format::{ContentKind, Metadata};
use crate::crypto::keys::{Keyring, MasterKey, fill_random};
use crate::crypto::seal::{Decryptor, EncryptOptions, encrypt};
use crate::error::lift;
use crate::{Error, Result};

/// §11: the line that opens an armored sealed file.
pub const BEGIN: &str = "-----BEGIN TGSEAL SEALED FILE-----";
/// §11: the line that closes it.
pub const END: &str = "-----END TGSEAL SEALED FILE-----";
/// §11: base64 characters per body line.
pub const LINE_LEN: usize = 64;
/// The extension added to armored sealed files: `NAME.tgseal.txt`, so phones
/// and desktops open them as text.
pub const ARMORED_EXTENSION: &str = "txt";
/// The longest Telegram text message, in characters.
pub const TELEGRAM_MESSAGE_LEN: usize = 4096;
/// The most pieces a sealed text message is cut into.
pub const MAX_PIECES: usize = 99;
/// Sealed bytes around a text message sealed by [`seal_text`]: the header with
/// an empty name (87 + 32 + 16 + 32 = 167 bytes) and one chunk tag (16 bytes).
pub const TEXT_OVERHEAD: usize = 183;
/// The longest text (in UTF-8 bytes) that [`seal_text`] fits into a single
/// Telegram message of 4096 characters (§11.3).
pub const MAX_SINGLE_MESSAGE_TEXT: usize = 2790;
/// The longest text [`seal_text`] accepts (it is for chat messages; a file is
/// sealed and then armored as a whole): 64 KiB, under one payload chunk.
pub const MAX_TEXT: usize = 64 * 1024;

/// Armored input larger than this is not read whole into memory: the pieces
/// of a text message are far smaller, and a whole armored file is streamed.
pub const MAX_PIECED_TEXT: u64 = 16 << 20;

/// Bytes of base64 input per body line (48 bytes → 64 characters).
const LINE_BYTES: usize = LINE_LEN / 4 * 3;
/// §11.1: the first BEGIN line must start within this many bytes of the
/// input (1 MiB); text that holds none there is not armored text.
pub const MAX_PREAMBLE: u64 = 1 << 20;

/// A [`Write`] that armors what it receives (§11.1). Call [`ArmorWriter::finish`]
/// to write the last line and the END line.
pub struct ArmorWriter<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> ArmorWriter<W> {
    /// Writes the BEGIN line.
    pub fn new(mut inner: W) -> std::io::Result<Self> {
        inner.write_all(BEGIN.as_bytes())?;
        inner.write_all(b"\n")?;
        Ok(ArmorWriter {
            inner,
            pending: Vec::with_capacity(LINE_BYTES * 1024),
        })
    }

    fn write_lines(&mut self, all: bool) -> std::io::Result<()> {
        let whole = self.pending.len() / LINE_BYTES * LINE_BYTES;
        let end = if all { self.pending.len() } else { whole };
        let mut text = String::with_capacity(end / 3 * 4 + end / LINE_BYTES + 8);
        for line in self.pending[..end].chunks(LINE_BYTES) {
            STANDARD.encode_string(line, &mut text);
            text.push('\n');
        }
        self.inner.write_all(text.as_bytes())?;
        self.pending.drain(..end);
        Ok(())
    }

    /// Writes what remains and the END line; returns the inner writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.write_lines(true)?;
        self.inner.write_all(END.as_bytes())?;
        self.inner.write_all(b"\n")?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for ArmorWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= LINE_BYTES * 1024 {
            self.write_lines(false)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.write_lines(false)?;
        self.inner.flush()
    }
}

/// §11.2: the optional piece line of a text message cut into pieces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// This piece's number, 1-based.
    pub number: usize,
    /// How many pieces the message has.
    pub count: usize,
    /// Random id shared by the pieces of one message.
    pub id: [u8; 8],
}

fn tampered(why: &'static str) -> std::io::Error {
    std::io::Error::other(Error::Tampered(why))
}

/// Decodes one armored block from a [`BufRead`], streaming (§11.1): skips text
/// before the BEGIN line, ignores whitespace in the body, stops at the END
/// line and leaves what follows unread in the inner reader.
pub struct ArmorReader<R> {
    inner: R,
    piece: Option<Piece>,
    carry: Vec<u8>,
    carry_pos: usize,
    chars: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    padded: bool,
    ended: bool,
}

impl<R: BufRead> ArmorReader<R> {
    /// Finds the BEGIN line, which must start in the first MiB
    /// ([`MAX_PREAMBLE`]), and reads the piece line, if any. No BEGIN line
    /// there: [`Error::NotSealed`].
    pub fn new(mut inner: R) -> Result<Self> {
        // A BEGIN starting at the window's last byte ends this far in.
        let window = MAX_PREAMBLE + BEGIN.len() as u64 - 1;
        let mut line = Vec::new();
        let mut seen = 0u64;
        let carry = loop {
            line.clear();
            let n = (&mut inner)
                .take(window - seen)
                .read_until(b'\n', &mut line)?;
            seen += n as u64;
            if let Some(at) = find(&line, BEGIN.as_bytes()) {
                break line.split_off(at + BEGIN.len());
            }
            if n == 0 || seen >= window {
                return Err(Error::NotSealed);
            }
        };
        let mut reader = ArmorReader {
            inner,
            piece: None,
            carry,
            carry_pos: 0,
            chars: Vec::new(),
            out: Vec::new(),
            out_pos: 0,
            padded: false,
            ended: false,
        };
        reader.read_piece_line()?;
        Ok(reader)
    }

    /// The piece line, when this block is one piece of a text message.
    pub fn piece(&self) -> Option<Piece> {
        self.piece
    }

    /// The inner reader, positioned after the END line once the block was read.
    pub fn into_inner(self) -> R {
        self.inner
    }

    fn read_piece_line(&mut self) -> Result<()> {
        // The first non-blank text after BEGIN (blank as chat apps make it:
        // also no-break and zero-width spaces).
        while is_blank(&self.carry[self.carry_pos..]) {
            self.carry.clear();
            self.carry_pos = 0;
            if (&mut self.inner)
                .take(64 * 1024)
                .read_until(b'\n', &mut self.carry)?
                == 0
            {
                return Ok(());
            }
        }
        if let Some((piece, used)) = parse_piece_line(&self.carry[self.carry_pos..])? {
            self.piece = Some(piece);
            self.carry_pos += used;
        }
        Ok(())
    }

    /// The next input byte, from the carried line first.
    fn next_byte(&mut self) -> std::io::Result<Option<u8>> {
        if self.carry_pos < self.carry.len() {
            self.carry_pos += 1;
            return Ok(Some(self.carry[self.carry_pos - 1]));
        }
        let buf = self.inner.fill_buf()?;
        let Some(&b) = buf.first() else {
            return Ok(None);
        };
        self.inner.consume(1);
        Ok(Some(b))
    }

    /// Decodes more of the body into `out`.
    fn decode_more(&mut self) -> std::io::Result<()> {
        const BATCH: usize = 64 * 1024;
        while !self.ended && self.chars.len() < BATCH {
            if self.carry_pos >= self.carry.len() && !self.padded {
                // Fast path over the buffered input: plain base64 and line breaks.
                let buf = self.inner.fill_buf()?;
                let mut used = 0;
                for &b in buf {
                    if self.chars.len() >= BATCH {
                        break;
                    }
                    match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => self.chars.push(b),
                        b' ' | b'\t' | b'\n' | b'\r' => {}
                        _ => break,
                    }
                    used += 1;
                }
                self.inner.consume(used);
                if used > 0 {
                    continue;
                }
            }
            let Some(b) = self.next_byte()? else {
                // No END line: the text was cut short.
                return Err(std::io::Error::other(Error::Truncated));
            };
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => {
                    if self.padded {
                        return Err(tampered("armored text continues after its end"));
                    }
                    self.chars.push(b);
                }
                b'=' => {
                    self.padded = true;
                    self.chars.push(b);
                }
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {}
                b'-' => {
                    self.expect_end()?;
                    self.ended = true;
                }
                0x80.. => self.skip_unicode_space(b)?,
                _ => {
                    return Err(tampered(
                        "the armored text holds a character that is not base64",
                    ));
                }
            }
        }
        let whole = if self.ended {
            if !self.chars.len().is_multiple_of(4) {
                return Err(tampered(
                    "the armored text is incomplete or has extra characters",
                ));
            }
            self.chars.len()
        } else {
            self.chars.len() / 4 * 4
        };
        self.out.clear();
        self.out_pos = 0;
        STANDARD
            .decode_vec(&self.chars[..whole], &mut self.out)
            .map_err(|_| tampered("the armored text is not valid base64"))?;
        self.chars.drain(..whole);
        Ok(())
    }

    /// After a `-` in the body: the rest of the END line must follow.
    fn expect_end(&mut self) -> std::io::Result<()> {
        for &expected in &END.as_bytes()[1..] {
            if self.next_byte()? != Some(expected) {
                return Err(tampered("the END line of the armored text is damaged"));
            }
        }
        Ok(())
    }

    /// Chat apps may turn spaces into no-break spaces or add zero-width
    /// characters; they are whitespace here too. Anything else is an error.
    fn skip_unicode_space(&mut self, lead: u8) -> std::io::Result<()> {
        let len = match lead {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => return Err(tampered("the armored text is not valid UTF-8")),
        };
        let mut bytes = vec![lead];
        for _ in 1..len {
            bytes.push(self.next_byte()?.unwrap_or(0));
        }
        let ok = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|s| s.chars().next())
            .is_some_and(|c| {
                c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
            });
        if ok {
            Ok(())
        } else {
            Err(tampered(
                "the armored text holds a character that is not base64",
            ))
        }
    }
}

impl<R: BufRead> Read for ArmorReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.out_pos == self.out.len() {
            if self.ended && self.chars.is_empty() {
                return Ok(0);
            }
            self.decode_more()?;
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// §11.1: the invisible characters chat apps insert, ignored like white space.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// The valid UTF-8 start of `line` (the rest cannot be a piece line).
fn utf8_prefix(line: &[u8]) -> &str {
    match std::str::from_utf8(line) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&line[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// Whether `line` holds nothing but white space (§11.1: any Unicode
/// White_Space and the invisible characters).
fn is_blank(line: &[u8]) -> bool {
    let text = utf8_prefix(line);
    text.len() == line.len() && text.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// §11.2: the piece line at the start of `line` (after white space), as
/// (piece, bytes it takes up to the end of its id); `None` when the line
/// does not start with `Piece:`. White space is tolerated as in the body —
/// around the fields, and invisible characters anywhere — but the fields
/// must be written as a writer writes them: N with as many digits as M, M
/// from 2 to 99 without leading zeros, 16 lowercase hexadecimal digits.
fn parse_piece_line(line: &[u8]) -> Result<Option<(Piece, usize)>> {
    let bad = || Error::Tampered("the piece line is damaged or not written as a writer writes it");
    let mut chars = PieceChars::new(utf8_prefix(line));
    chars.skip_space();
    for expected in "Piece:".chars() {
        if chars.next() != Some(expected) {
            return Ok(None);
        }
    }
    chars.skip_space();
    let number_text = chars.digits();
    chars.skip_space();
    if chars.next() != Some('/') {
        return Err(bad());
    }
    chars.skip_space();
    let count_text = chars.digits();
    if !chars.skip_space() {
        return Err(bad());
    }
    let mut id = [0u8; 8];
    for i in 0..16 {
        let nibble = match chars.next() {
            Some(c @ ('0'..='9' | 'a'..='f')) => c.to_digit(16).ok_or_else(bad)?,
            _ => return Err(bad()),
        };
        id[i / 2] |= (nibble as u8) << if i % 2 == 0 { 4 } else { 0 };
    }
    let number = parse_ascii(number_text.as_bytes()).ok_or_else(bad)?;
    let count = parse_ascii(count_text.as_bytes()).ok_or_else(bad)?;
    let canonical = !count_text.starts_with('0') && number_text.len() == count_text.len();
    if !canonical || !(2..=MAX_PIECES).contains(&count) || number == 0 || number > count {
        return Err(bad());
    }
    Ok(Some((Piece { number, count, id }, chars.end)))
}

/// The characters of a piece line without the invisible ones, and where
/// the last one taken ends (a byte offset into the line).
struct PieceChars<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    end: usize,
}

impl<'a> PieceChars<'a> {
    fn new(text: &'a str) -> Self {
        PieceChars {
            chars: text.char_indices().peekable(),
            end: 0,
        }
    }

    fn peek(&mut self) -> Option<char> {
        while let Some(&(_, c)) = self.chars.peek() {
            if !is_invisible(c) {
                return Some(c);
            }
            self.chars.next();
        }
        None
    }

    fn next(&mut self) -> Option<char> {
        self.peek()?;
        let (at, c) = self.chars.next()?;
        self.end = at + c.len_utf8();
        Some(c)
    }

    /// Skips white space; whether there was any.
    fn skip_space(&mut self) -> bool {
        let mut skipped = false;
        while self.peek().is_some_and(char::is_whitespace) {
            self.next();
            skipped = true;
        }
        skipped
    }

    fn digits(&mut self) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek().filter(char::is_ascii_digit) {
            self.next();
            out.push(c);
        }
        out
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_ascii(digits: &[u8]) -> Option<usize> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Whether `start` (the first bytes of an input) holds an armor BEGIN line.
pub fn looks_armored(start: &[u8]) -> bool {
    find(start, BEGIN.as_bytes()).is_some()
}

/// Decodes every armored block in `text` and returns the sealed bytes (§11.2).
/// One block without a piece line is a whole sealed file; blocks with piece
/// lines are the pieces of one, accepted in any order and joined by number.
pub fn dearmor(text: &[u8]) -> Result<Vec<u8>> {
    let mut whole: Option<Vec<u8>> = None;
    let mut pieces: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
    let mut set: Option<(usize, [u8; 8])> = None;
    // §11.1: the first block starts in the first MiB, as for a streaming reader.
    if find(text, BEGIN.as_bytes()).is_some_and(|at| at as u64 >= MAX_PREAMBLE) {
        return Err(Error::NotSealed);
    }
    let mut from = 0;
    // Every BEGIN starts a block, wherever the chat app put line breaks.
    while let Some(at) = find(&text[from..], BEGIN.as_bytes()) {
        let start = from + at;
        from = start + BEGIN.len();
        let mut reader = ArmorReader::new(&text[start..])?;
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(|e| lift(e.into()))?;
        let piece = reader.piece();
        let Some(piece) = piece else {
            if whole.is_some() || !pieces.is_empty() {
                return Err(Error::TextPieces(
                    "the text holds more than one sealed message; paste one at a time".into(),
                ));
            }
            whole = Some(bytes);
            continue;
        };
        if whole.is_some() || set.is_some_and(|s| s != (piece.count, piece.id)) {
            return Err(Error::TextPieces(format!(
                "piece {}/{} belongs to another message",
                piece.number, piece.count
            )));
        }
        set = Some((piece.count, piece.id));
        if pieces.insert(piece.number, bytes).is_some() {
            return Err(Error::TextPieces(format!(
                "piece {}/{} was pasted twice",
                piece.number, piece.count
            )));
        }
    }
    if let Some(bytes) = whole {
        return Ok(bytes);
    }
    let Some((count, _)) = set else {
        return Err(Error::NotSealed);
    };
    let missing: Vec<String> = (1..=count)
        .filter(|n| !pieces.contains_key(n))
        .map(|n| format!("{n}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::TextPieces(format!(
            "piece {} missing; paste all {count} pieces",
            missing.join(", ")
        )));
    }
    Ok(pieces.into_values().flatten().collect())
}

/// The sealed bytes behind armored text (§11): one block, streamed, or the
/// pieces of a text message saved into one file, gathered (at most
/// [`MAX_PIECED_TEXT`]) and joined by number.
pub enum Armored<R> {
    /// One block without a piece line, decoded as it is read.
    Block(ArmorReader<R>),
    /// The pieces of a text message, joined.
    Pieces(std::io::Cursor<Vec<u8>>),
}

impl<R: BufRead> Armored<R> {
    /// Reads armored text from `open()`, which is called a second time to
    /// read the text from its start again when it holds pieces.
    pub fn open(mut open: impl FnMut() -> std::io::Result<R>) -> Result<Self> {
        let reader = ArmorReader::new(open()?)?;
        if reader.piece().is_none() {
            return Ok(Armored::Block(reader));
        }
        // Pieces may be in any order: gather them, then join by number.
        let mut text = Vec::new();
        open()?.take(MAX_PIECED_TEXT + 1).read_to_end(&mut text)?;
        if text.len() as u64 > MAX_PIECED_TEXT {
            return Err(pieces_too_long());
        }
        Ok(Armored::Pieces(std::io::Cursor::new(dearmor(&text)?)))
    }
}

impl<R: BufRead> Read for Armored<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Armored::Block(reader) => reader.read(buf),
            Armored::Pieces(joined) => joined.read(buf),
        }
    }
}

/// Text in pieces is gathered in memory, up to [`MAX_PIECED_TEXT`]: beyond
/// it, the text is refused with the limit named, never cut short.
pub fn pieces_too_long() -> Error {
    Error::TextPieces(format!(
        "the text is longer than {} MiB, the most that is read for the pieces of a text message; \
         an armored file in one block has no limit: open it as a file",
        MAX_PIECED_TEXT >> 20
    ))
}

/// Characters of one armored block of `bytes` sealed bytes, with its piece
/// line when `count` pieces are numbered, counting a line end after every line.
pub fn armored_len(bytes: usize, count: Option<usize>) -> usize {
    let b64 = bytes.div_ceil(3) * 4;
    let piece_line = count.map_or(0, |n| {
        let digits = n.to_string().len();
        "Piece: ".len() + 2 * digits + 1 + 1 + 16 + 1
    });
    BEGIN.len() + 1 + piece_line + b64 + b64.div_ceil(LINE_LEN) + END.len() + 1
}

/// Armors `sealed` bytes as one block.
pub fn armor(sealed: &[u8]) -> String {
    armor_block(sealed, None)
}

fn armor_block(sealed: &[u8], piece: Option<Piece>) -> String {
    let mut out = String::with_capacity(armored_len(sealed.len(), piece.map(|p| p.count)));
    out.push_str(BEGIN);
    out.push('\n');
    if let Some(p) = piece {
        let width = p.count.to_string().len();
        out.push_str(&format!("Piece: {:0width$}/{} ", p.number, p.count));
        for b in p.id {
            out.push_str(&format!("{b:02x}"));
        }
        out.push('\n');
    }
    for line in sealed.chunks(LINE_BYTES) {
        STANDARD.encode_string(line, &mut out);
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    out
}

/// Cuts `sealed` into armored pieces of at most `limit` characters each
/// (§11.2); a single block without a piece line when it fits.
pub fn armor_pieces(sealed: &[u8], limit: usize) -> Result<Vec<String>> {
    if armored_len(sealed.len(), None) <= limit {
        return Ok(vec![armor(sealed)]);
    }
    for count in 2..=MAX_PIECES {
        // The largest multiple of 3 bytes whose block fits, with `count`'s digits.
        let mut per = (limit * 3 / 4) / 3 * 3;
        while per > 0 && armored_len(per, Some(count)) > limit {
            per -= 3;
        }
        if per == 0 {
            break;
        }
        if per * count >= sealed.len() && per * (count - 1) < sealed.len() {
            let mut id = [0u8; 8];
            fill_random(&mut id)?;
            return Ok(sealed
                .chunks(per)
                .enumerate()
                .map(|(i, bytes)| {
                    armor_block(
                        bytes,
                        Some(Piece {
                            number: i + 1,
                            count,
                            id,
                        }),
                    )
                })
                .collect());
        }
    }
    Err(Error::TextPieces(format!(
        "the message is too long for {MAX_PIECES} chat messages"
    )))
}

/// Seals a short text message (kind [`ContentKind::Text`], no name) and armors
/// it into pieces that each fit one Telegram message (§11.3).
pub fn seal_text(
    master: &MasterKey,
    text: &str,
    options: &EncryptOptions,
    control: &Control,
) -> Result<Vec<String>> {
    if text.len() > MAX_TEXT {
        return Err(Error::TextPieces(format!(
            "the message is {} bytes; a sealed text message holds at most {MAX_TEXT} (seal it as a file instead)",
            text.len()
        )));
    }
    let metadata = Metadata {
        kind: ContentKind::Text,
        name: String::new(),
        content_len: Some(text.len() as u64),
        padding_len: 0,
        modified: None,
    };
    let mut sealed = Vec::with_capacity(text.len() + TEXT_OVERHEAD);
    encrypt(
        master,
        &metadata,
        &mut text.as_bytes(),
        &mut sealed,
        options,
        control,
    )?;
    armor_pieces(&sealed, TELEGRAM_MESSAGE_LEN)
}

/// Opens pasted armored text (one block, or all pieces in any order) and
/// returns the metadata and the plaintext. Nothing is returned unless every
/// byte authenticated.
pub fn open_text(text: &[u8], keyring: &Keyring, control: &Control) -> Result<(Metadata, Vec<u8>)> {
    let sealed = dearmor(text)?;
    let decryptor = Decryptor::new(&sealed[..], keyring)?;
    let metadata = decryptor.metadata().clone();
    let mut plain = Vec::new();
    decryptor.decrypt_to(&mut plain, control)?;
    Ok((metadata, plain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_and_reader_round_trip() {
        for len in [0usize, 1, 2, 3, 47, 48, 49, 1000, 200_000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 31 % 256) as u8).collect();
            let mut w = ArmorWriter::new(Vec::new()).unwrap();
            for piece in data.chunks(1000) {
                w.write_all(piece).unwrap();
            }
            let text = w.finish().unwrap();
            assert_eq!(String::from_utf8(text.clone()).unwrap(), armor(&data));
            for line in String::from_utf8(text.clone()).unwrap().lines() {
                assert!(line.len() <= LINE_LEN || line == BEGIN || line == END);
            }
            let mut back = Vec::new();
            ArmorReader::new(&text[..])
                .unwrap()
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data, "{len}");
            assert_eq!(dearmor(&text).unwrap(), data);
        }
    }

    #[test]
    fn chat_mangling_is_forgiven() {
        let data: Vec<u8> = (0..500u32).map(|i| (i % 256) as u8).collect();
        let text = armor(&data);
        let crlf = text.replace('\n', " \r\n");
        let rewrapped: String = text
            .lines()
            .map(|l| {
                if l.starts_with("-----") {
                    format!("{l}\n")
                } else {
                    format!("{l} ")
                }
            })
            .collect();
        let around = format!("here you go:\n\n\n{text}\n\nthanks!");
        let nbsp = text.replacen('\n', "\u{a0}\n", 3);
        for mangled in [crlf, rewrapped, around, nbsp] {
            assert_eq!(dearmor(mangled.as_bytes()).unwrap(), data, "{mangled}");
        }
    }

    #[test]
    fn changed_characters_are_refused() {
        let text = armor(b"some sealed bytes");
        let changed = text.replacen("c29tZ", "c29uZ", 1);
        assert_ne!(dearmor(changed.as_bytes()).unwrap(), b"some sealed bytes");
        let bad = text.replacen("c29tZ", "c2!tZ", 1);
        assert!(matches!(dearmor(bad.as_bytes()), Err(Error::Tampered(_))));
        let cut = &text[..text.len() - END.len() - 1];
        assert!(matches!(dearmor(cut.as_bytes()), Err(Error::Truncated)));
        assert!(matches!(dearmor(b"hello"), Err(Error::NotSealed)));
    }

    #[test]
    fn begin_must_start_in_the_first_mib() {
        let block = armor(b"sealed bytes");
        for (preamble, opens) in [
            (0u64, true),
            (MAX_PREAMBLE - 1, true),
            (MAX_PREAMBLE, false),
        ] {
            // Long lines of chat text before the block, the last one running into BEGIN.
            let mut text: Vec<u8> = (0..preamble)
                .map(|i| if i % 1000 == 999 { b'\n' } else { b'x' })
                .collect();
            text.extend_from_slice(block.as_bytes());
            let streamed = ArmorReader::new(&text[..]).and_then(|mut r| {
                let mut out = Vec::new();
                r.read_to_end(&mut out).map_err(|e| lift(e.into()))?;
                Ok(out)
            });
            for result in [streamed, dearmor(&text)] {
                match result {
                    Ok(bytes) => assert!(opens && bytes == b"sealed bytes", "{preamble}"),
                    Err(err) => assert!(!opens && matches!(err, Error::NotSealed), "{preamble}"),
                }
            }
        }
    }

    #[test]
    fn pieces_fit_and_join_in_any_order() {
        let sealed: Vec<u8> = (0..10_000u32).map(|i| (i % 253) as u8).collect();
        let pieces = armor_pieces(&sealed, TELEGRAM_MESSAGE_LEN).unwrap();
        assert!(pieces.len() > 1);
        for p in &pieces {
            assert!(p.chars().count() <= TELEGRAM_MESSAGE_LEN);
        }
        let reversed: String = pieces.iter().rev().cloned().collect();
        assert_eq!(dearmor(reversed.as_bytes()).unwrap(), sealed);
        let missing: String = pieces[1..].concat();
        assert!(matches!(
            dearmor(missing.as_bytes()),
            Err(Error::TextPieces(_))
        ));
    }

    /// Pieces of 10,000 sealed bytes as a writer writes them.
    fn written_pieces() -> (Vec<u8>, Vec<String>) {
        let sealed: Vec<u8> = (0..10_000u32).map(|i| (i % 253) as u8).collect();
        let pieces = armor_pieces(&sealed, TELEGRAM_MESSAGE_LEN).unwrap();
        assert!((2..10).contains(&pieces.len()));
        (sealed, pieces)
    }

    #[test]
    fn unicode_white_space_around_and_in_piece_lines_is_forgiven() {
        // §11.1 promises it for the whole block, piece lines included (#13 item 15).
        let (sealed, pieces) = written_pieces();
        let variants: [&dyn Fn(&str) -> String; 4] = [
            // A no-break space after the BEGIN line.
            &|p| p.replacen(BEGIN, &format!("{BEGIN}\u{a0}"), 1),
            // A zero-width space inside the piece line, and a no-break one.
            &|p| p.replacen("Piece: ", "Pie\u{200b}ce:\u{a0}", 1),
            // A blank line of no-break spaces between BEGIN and the piece line.
            &|p| p.replacen(BEGIN, &format!("{BEGIN}\n\u{a0}\u{a0}\r"), 1),
            // A zero-width joiner in the id.
            &|p| {
                let at = p.find("Piece: ").unwrap() + "Piece: 1/2 ".len() + 3;
                format!("{}\u{200d}{}", &p[..at], &p[at..])
            },
        ];
        for (i, change) in variants.iter().enumerate() {
            let text: String = pieces
                .iter()
                .map(|p| change(p))
                .collect::<Vec<_>>()
                .join("\n");
            assert_eq!(dearmor(text.as_bytes()).unwrap(), sealed, "variant {i}");
        }
    }

    #[test]
    fn piece_lines_not_written_as_a_writer_writes_them_are_refused() {
        // §11.2: N zero-padded to M's digits, M 2..=99 without leading zeros,
        // the id in lowercase (#13 item 8).
        let (_, pieces) = written_pieces();
        let line = |p: &str| p.lines().nth(1).unwrap().to_owned();
        let first = line(&pieces[0]);
        let id = first.rsplit(' ').next().unwrap().to_owned();
        let count = pieces.len();
        for bad in [
            format!("Piece: 1/{count} {}", id.to_uppercase()),
            format!("Piece: 01/{count} {id}"),
            format!("Piece: 1/0{count} {id}"),
            format!("Piece: 1/1 {id}"),
            format!("Piece: 0/{count} {id}"),
            format!("Piece: 1/{count}{id}"),
            format!("Piece: 1/{count} {}", &id[..15]),
            format!("Piece: 1/{count} {}g", &id[..15]),
        ] {
            let text = pieces[0].replacen(&first, &bad, 1);
            assert!(
                matches!(dearmor(text.as_bytes()), Err(Error::Tampered(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn single_message_capacity_is_exact() {
        assert!(armored_len(MAX_SINGLE_MESSAGE_TEXT + TEXT_OVERHEAD, None) <= TELEGRAM_MESSAGE_LEN);
        // One more byte can need another base64 group; find the first that does not fit.
        let over = (MAX_SINGLE_MESSAGE_TEXT + 1..MAX_SINGLE_MESSAGE_TEXT + 4)
            .any(|n| armored_len(n + TEXT_OVERHEAD, None) > TELEGRAM_MESSAGE_LEN);
        assert!(over);
        assert!(
            armored_len(MAX_SINGLE_MESSAGE_TEXT + 1 + TEXT_OVERHEAD, None) > TELEGRAM_MESSAGE_LEN
        );
    }
}
