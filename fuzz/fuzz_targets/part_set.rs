//! The part-set reader (FORMAT.md §10) over real files: the input is cut into
//! files named `x.tgseal.NNN` in a temporary folder, then found, checked and
//! read back through one of them and through the folder. Must never panic;
//! a set it accepts must read back as exactly the payloads of its parts, in
//! order, and as long as it says.
//!
//! Input: records of `[number: u16 LE][length: u16 LE][length bytes]`; the
//! number's top bit writes it with four digits instead of three.
#![no_main]

use std::io::Read;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tgseal_workflow::parts::PartSet;

fn files(mut data: &[u8]) -> Vec<(String, &[u8])> {
    let mut out = Vec::new();
    while data.len() >= 4 && out.len() < 64 {
        let number = u16::from_le_bytes([data[0], data[1]]);
        let len = usize::from(u16::from_le_bytes([data[2], data[3]])).min(data.len() - 4);
        let name = if number & 0x8000 != 0 {
            format!("x.tgseal.{:04}", number & 0x7fff)
        } else {
            format!("x.tgseal.{number:03}")
        };
        out.push((name, &data[4..4 + len]));
        data = &data[4 + len..];
    }
    out
}

fn check(path: &Path, dir: &Path) {
    let Ok(set) = PartSet::find(path) else {
        return;
    };
    // What the set's files hold after their 40-byte headers, in set order.
    let mut expected = Vec::new();
    for part in set.paths() {
        let bytes = std::fs::read(part).expect("a part of the set");
        assert!(bytes.len() > 40, "a part without payload was accepted");
        expected.extend_from_slice(&bytes[40..]);
    }
    let mut read = Vec::new();
    set.reader()
        .read_to_end(&mut read)
        .expect("an accepted set reads");
    assert_eq!(read, expected);
    assert_eq!(read.len() as u64, set.sealed_len());
    assert!(set.paths().all(|p| p.starts_with(dir)));
}

fuzz_target!(|data: &[u8]| {
    let files = files(data);
    if files.is_empty() {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).expect("a part written");
    }
    check(&dir.path().join(&files[0].0), dir.path());
    check(dir.path(), dir.path());
    // The front door sees the same files (a part, or the folder of parts).
    let _ = tgseal_workflow::Input::recognise(&dir.path().join(&files[0].0));
    let _ = tgseal_workflow::Input::recognise(dir.path());
});
