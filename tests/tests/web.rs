//! The web app (web/, docs/WEB.md) in a real browser: headless Chromium
//! driven over WebDriver opens every test vector, opens what the CLI sealed
//! and seals what the CLI opens, byte for byte; parts in any order and a
//! missing part; pieces pasted out of order; wrong passphrases and tampered
//! files (a clear message, nothing downloaded); a large file opened on
//! helper workers, damaged ones failing as in one thread; no request off the
//! page's origin; a phone-sized layout without horizontal overflow, usable
//! with the virtual keyboard open.
//!
//! Needs chromium, chromedriver and the wasm-bindgen CLI (web/build.sh).
//! Without them each test is skipped with a notice, unless
//! TGSEAL_REQUIRE_BROWSER=1 (set by .ci/run), where it fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};
use tgseal_e2e::browser::Browser;
use tgseal_e2e::{PASS, encrypt, folder_with_file, tgseal, vector_descriptions};

/// One browser at a time: the machine may have two cores.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

fn browser(width: u32, height: u32) -> Option<(Browser, std::sync::MutexGuard<'static, ()>)> {
    let guard = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let browser = Browser::start(width, height)?;
    browser.open_app();
    Some((browser, guard))
}

/// What the page showed after a job.
#[derive(Debug)]
enum Shown {
    /// Downloads offered (name, bytes after saving) and text shown.
    Done {
        files: Vec<(String, Vec<u8>)>,
        texts: Vec<String>,
    },
    /// An error: its kind and message.
    Failed { kind: String, message: String },
}

impl Shown {
    fn files(self) -> Vec<(String, Vec<u8>)> {
        match self {
            Shown::Done { files, .. } => files,
            Shown::Failed { kind, message } => panic!("failed: {kind}: {message}"),
        }
    }

    fn texts(self) -> Vec<String> {
        match self {
            Shown::Done { texts, .. } => texts,
            Shown::Failed { kind, message } => panic!("failed: {kind}: {message}"),
        }
    }

    fn failure(self) -> (String, String) {
        match self {
            Shown::Failed { kind, message } => (kind, message),
            Shown::Done { files, texts } => {
                panic!(
                    "expected a failure, got files {:?} and texts {texts:?}",
                    names(&files)
                )
            }
        }
    }
}

fn names(files: &[(String, Vec<u8>)]) -> Vec<&str> {
    files.iter().map(|(n, _)| n.as_str()).collect()
}

/// Waits for the job started by `button` and saves every offered download.
fn finish_job(b: &Browser, button: &str) -> Shown {
    b.wait_for(
        &format!("!document.getElementById('result').hidden && !document.getElementById('{button}').disabled"),
        120,
    );
    let error = b.js(
        "const e = document.getElementById('result-error');
         return e.hidden ? null : [e.dataset.kind, e.textContent];",
        json!([]),
    );
    if let Some([kind, message]) = error.as_array().map(Vec::as_slice) {
        // Nothing may reach the download folder, and nothing is offered.
        assert!(b.downloaded(Duration::from_millis(300)).is_empty());
        let links = b.js(
            "return document.querySelectorAll('#result a.download').length;",
            json!([]),
        );
        assert_eq!(links, json!(0));
        return Shown::Failed {
            kind: kind.as_str().unwrap().to_owned(),
            message: message.as_str().unwrap().to_owned(),
        };
    }
    let texts: Vec<String> = serde_json::from_value(b.js(
        "return [...document.querySelectorAll('#result textarea')].map(t => t.value);",
        json!([]),
    ))
    .unwrap();
    let count = b
        .js(
            "return document.querySelectorAll('#result a.download').length;",
            json!([]),
        )
        .as_u64()
        .unwrap() as usize;
    let mut files = Vec::new();
    for i in 0..count {
        let link = b.js(
            "return document.querySelectorAll('#result a.download')[arguments[0]];",
            json!([i]),
        );
        let name = b
            .js("return arguments[0].download;", json!([link.clone()]))
            .as_str()
            .unwrap()
            .to_owned();
        b.clear_downloads();
        b.js("arguments[0].click();", json!([link]));
        let saved = b.wait_downloads(1, 60);
        assert_eq!(saved[0].file_name().unwrap().to_string_lossy(), name);
        files.push((name, std::fs::read(&saved[0]).unwrap()));
    }
    b.clear_downloads();
    Shown::Done { files, texts }
}

/// Opens `files` (or pasted `text`) in the Open tab with `passphrase`.
fn open_in_page(b: &Browser, files: &[PathBuf], text: &str, passphrase: &str) -> Shown {
    b.clear_downloads();
    b.click(&b.button("Open"));
    b.choose_files(
        &b.by_label("Sealed file, or all parts of a split file"),
        files,
    );
    b.set_value(
        &b.by_label("…or paste a sealed message (all pieces, any order)"),
        text,
    );
    b.set_value(&b.by_label("Passphrase"), passphrase);
    // The form's own Open button, not the tab.
    b.click(&b.css("#open-form button[type=submit]"));
    finish_job(b, "open-button")
}

/// Seals `files` in the Seal files tab with the options given as
/// `{hideName, pad, armor, split, kdf}` (split may be any size the core parses).
fn seal_in_page(b: &Browser, files: &[PathBuf], passphrase: &str, options: Value) -> Shown {
    b.clear_downloads();
    b.click(&b.button("Seal files"));
    b.choose_files(&b.by_label("Files to seal"), files);
    b.set_value(&b.css("#seal-pass"), passphrase);
    b.js(
        "const o = arguments[0];
         document.getElementById('seal-hide').checked = !!o.hideName;
         document.getElementById('seal-pad').checked = !!o.pad;
         document.getElementById('seal-armor').checked = !!o.armor;
         document.getElementById('seal-weak').checked = !!o.allowWeak;
         const split = document.getElementById('seal-split');
         if (o.split && ![...split.options].some(x => x.value === o.split)) split.add(new Option(o.split, o.split));
         split.value = o.split || '';
         document.getElementById('seal-kdf').value = o.kdf || 'interactive';",
        json!([options]),
    );
    b.click(&b.button("Seal"));
    finish_job(b, "seal-button")
}

fn vector_inputs(json_path: &Path, info: &Value) -> (Vec<PathBuf>, String) {
    let stem = json_path.with_extension("");
    match info.get("form").and_then(Value::as_str).unwrap_or("binary") {
        "armor" => (
            Vec::new(),
            std::fs::read_to_string(stem.with_extension("txt")).unwrap(),
        ),
        "parts" => {
            let dir = json_path.parent().unwrap();
            let prefix = format!("{}.tgseal.", stem.file_name().unwrap().to_string_lossy());
            let mut parts: Vec<PathBuf> = files_in(dir)
                .into_iter()
                .filter(|p| {
                    p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with(&prefix)
                })
                .collect();
            // Picked in reverse order: the page must not care.
            parts.reverse();
            (parts, String::new())
        }
        _ => (vec![stem.with_extension("tgseal")], String::new()),
    }
}

/// The files in `dir`, sorted by name (part numbers sort in order).
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn every_vector_opens_in_the_page_as_in_the_core() {
    let Some((b, _one)) = browser(1024, 768) else {
        return;
    };
    let mut checked = 0;
    for json_path in vector_descriptions() {
        let info: Value =
            serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
        let expect = info["expect"].as_str().unwrap();
        if info["kind"] == "folder" && expect != "success" {
            // The page saves a folder as its tar stream (NAME.tar) and
            // extracts nothing: an archive that FORMAT.md §4.3 has an
            // extractor refuse still decrypts here.
            continue;
        }
        let (files, text) = vector_inputs(&json_path, &info);
        let shown = open_in_page(&b, &files, &text, info["passphrase"].as_str().unwrap());
        let what = json_path.display();
        if expect != "success" {
            let (kind, message) = shown.failure();
            assert_eq!(kind, expect, "{what}: {message}");
            assert!(message.ends_with("Nothing was saved."), "{what}: {message}");
            checked += 1;
            continue;
        }
        let plain = std::fs::read(json_path.with_extension("plain")).unwrap();
        if info["kind"] == "text" {
            assert_eq!(
                shown.texts(),
                vec![String::from_utf8(plain).unwrap()],
                "{what}"
            );
        } else {
            let files = shown.files();
            assert_eq!(files.len(), 1, "{what}");
            assert_eq!(files[0].1, plain, "{what}");
            // The name the core restores (§4.2), as a browser download may
            // be named (a 254-byte name would not fit beside `.crdownload`);
            // a folder is offered as its archive.
            let name = info["restored_name"]
                .as_str()
                .or(info["name"].as_str())
                .unwrap();
            let offered = if info["kind"] == "folder" {
                format!("{name}.tar")
            } else {
                name.to_owned()
            };
            if !name.is_empty() {
                assert_eq!(
                    files[0].0,
                    tgseal_core::names::download_name(&offered),
                    "{what}"
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} vectors");
}

#[test]
fn what_the_cli_seals_opens_in_the_page_byte_for_byte() {
    let Some((b, _one)) = browser(1024, 768) else {
        return;
    };
    let (dir, input, data) = folder_with_file("report.pdf", 700_000);
    let sealed = dir.path().join("sealed");
    encrypt(
        dir.path(),
        &["--hide-name", "--pad", "-O", "sealed", "report.pdf"],
    )
    .assert()
    .success();
    let mut outputs = files_in(&sealed);
    assert_eq!(outputs.len(), 1);
    let files = open_in_page(&b, &outputs, "", PASS).files();
    assert_eq!(files, vec![("report.pdf".to_owned(), data.clone())]);

    // Armored by the CLI, opened as a file and pasted as text.
    encrypt(dir.path(), &["--armor", "-O", "armored", "report.pdf"])
        .assert()
        .success();
    let armored = dir.path().join("armored/report.pdf.tgseal.txt");
    let files = open_in_page(&b, std::slice::from_ref(&armored), "", PASS).files();
    assert_eq!(files, vec![("report.pdf".to_owned(), data.clone())]);
    let text = std::fs::read_to_string(&armored).unwrap();
    let files = open_in_page(&b, &[], &format!("here it is:\r\n{text}\r\nbye"), PASS).files();
    assert_eq!(files, vec![("report.pdf".to_owned(), data.clone())]);

    // Split by the CLI, parts picked out of order.
    encrypt(
        dir.path(),
        &["--split", "200K", "-O", "parts", "report.pdf"],
    )
    .assert()
    .success();
    outputs = files_in(&dir.path().join("parts"));
    assert_eq!(outputs.len(), 4);
    outputs.swap(0, 3);
    let files = open_in_page(&b, &outputs, "", PASS).files();
    assert_eq!(files, vec![("report.pdf".to_owned(), data)]);
    drop(input);
}

#[test]
fn what_the_page_seals_opens_with_the_cli_byte_for_byte() {
    let Some((b, _one)) = browser(1024, 768) else {
        return;
    };
    let (dir, input, data) = folder_with_file("holiday.jpg", 300_000);
    let cases = [
        (json!({}), 1),
        (json!({ "hideName": true, "pad": true }), 1),
        (json!({ "armor": true }), 1),
        (json!({ "split": "100K" }), 3),
    ];
    for (options, count) in cases {
        let files = seal_in_page(&b, std::slice::from_ref(&input), PASS, options.clone()).files();
        assert_eq!(files.len(), count, "{options}");
        let out = tempfile::tempdir().unwrap();
        for (name, bytes) in &files {
            assert!(name.contains(".tgseal"), "{name}");
            if options["hideName"] == true {
                assert!(!name.contains("holiday"), "{name}");
            }
            std::fs::write(out.path().join(name), bytes).unwrap();
        }
        let first = out.path().join(&files[0].0);
        tgseal_e2e::decrypt(out.path(), &[first.to_str().unwrap(), "-O", "opened"])
            .assert()
            .success();
        assert_eq!(
            std::fs::read(out.path().join("opened/holiday.jpg")).unwrap(),
            data,
            "{options}"
        );
        // And back through the page.
        let paths: Vec<PathBuf> = files.iter().map(|(n, _)| out.path().join(n)).collect();
        let reopened = open_in_page(&b, &paths, "", PASS).files();
        assert_eq!(reopened, vec![("holiday.jpg".to_owned(), data.clone())]);
    }
    drop(dir);
}

#[test]
fn parts_open_in_any_order_and_a_missing_part_is_named() {
    let Some((b, _one)) = browser(1024, 768) else {
        return;
    };
    let (dir, _input, data) = folder_with_file("video.mkv", 100_000);
    encrypt(dir.path(), &["--split", "30K", "-O", "parts", "video.mkv"])
        .assert()
        .success();
    let parts = files_in(&dir.path().join("parts"));
    assert_eq!(parts.len(), 4);
    let shuffled = vec![
        parts[2].clone(),
        parts[0].clone(),
        parts[3].clone(),
        parts[1].clone(),
    ];
    assert_eq!(
        open_in_page(&b, &shuffled, "", PASS).files(),
        vec![("video.mkv".to_owned(), data)]
    );

    let without_third = vec![parts[3].clone(), parts[0].clone(), parts[1].clone()];
    let (kind, message) = open_in_page(&b, &without_third, "", PASS).failure();
    assert_eq!(kind, "missing_part");
    assert!(message.contains("video.mkv.tgseal.003"), "{message}");
    assert!(message.contains("part 3 of 4 is missing"), "{message}");

    let one = vec![parts[1].clone()];
    let (kind, message) = open_in_page(&b, &one, "", PASS).failure();
    assert_eq!(kind, "missing_part", "{message}");
}

#[test]
fn messages_seal_in_the_page_and_open_from_pieces_in_any_order() {
    let Some((b, _one)) = browser(1024, 768) else {
        return;
    };
    let message: String = (0..900).map(|i| format!("line {i} ")).collect();
    b.click(&b.button("Seal text"));
    b.set_value(&b.by_label("Message"), &message);
    b.set_value(&b.css("#message-pass"), PASS);
    b.click(&b.button("Seal message"));
    let pieces = finish_job(&b, "message-button").texts();
    assert!(pieces.len() >= 2, "{} pieces", pieces.len());
    for piece in &pieces {
        assert!(piece.chars().count() <= 4096);
    }
    // Pasted out of order, with chat noise between them.
    let pasted: String = pieces
        .iter()
        .rev()
        .map(|p| format!("{p}\n\nok next one:\n"))
        .collect();
    assert_eq!(
        open_in_page(&b, &[], &pasted, PASS).texts(),
        vec![message.clone()]
    );
    // The CLI opens them too.
    let dir = tempfile::tempdir().unwrap();
    let pass_file = dir.path().join("pass");
    std::fs::write(&pass_file, PASS).unwrap();
    let opened = tgseal_e2e::tgseal(dir.path())
        .args([
            "open-text",
            "--passphrase-file",
            pass_file.to_str().unwrap(),
        ])
        .write_stdin(pasted.clone())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(opened).unwrap().trim_end(),
        message.trim_end()
    );
    // A missing piece is named.
    let missing: String = pieces[1..].concat();
    let (kind, text) = open_in_page(&b, &[], &missing, PASS).failure();
    assert_eq!(kind, "incomplete_text");
    assert!(text.contains("piece 1/"), "{text}");
}

#[test]
fn wrong_passphrase_and_tampering_say_so_and_save_nothing() {
    let Some((b, _one)) = browser(1024, 768) else {
        return;
    };
    let (dir, _input, _data) = folder_with_file("secret.txt", 2_000_000);
    encrypt(dir.path(), &["-O", "sealed", "secret.txt"])
        .assert()
        .success();
    let sealed = dir.path().join("sealed/secret.txt.tgseal");
    let (kind, message) =
        open_in_page(&b, std::slice::from_ref(&sealed), "", "not the passphrase").failure();
    assert_eq!(kind, "wrong_passphrase");
    assert!(message.starts_with("Wrong passphrase."), "{message}");

    // A byte changed near the end: most of the file verifies (and is staged)
    // before the last chunk fails; nothing may be offered or saved.
    let mut bytes = std::fs::read(&sealed).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0x40;
    let tampered = dir.path().join("tampered.tgseal");
    std::fs::write(&tampered, bytes).unwrap();
    let (kind, message) = open_in_page(&b, &[tampered], "", PASS).failure();
    assert_eq!(kind, "tampered");
    assert!(
        message.contains("damaged or was tampered with"),
        "{message}"
    );

    // Truncated at a chunk boundary.
    let bytes = std::fs::read(&sealed).unwrap();
    let truncated = dir.path().join("truncated.tgseal");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let (kind, _) = open_in_page(&b, &[truncated], "", PASS).failure();
    assert!(kind == "truncated" || kind == "tampered", "{kind}");

    // The staging area holds nothing after failures.
    assert_eq!(staged_files(&b), json!([]));
}

/// The helper workers running beside the page's worker (docs/WEB.md,
/// "Opening on every core").
fn helpers(b: &Browser) -> usize {
    b.workers()
        .iter()
        .filter(|url| !url.ends_with("/worker.js"))
        .count()
}

/// What the one-thread path says about `sealed` (the core on this machine).
fn one_thread_error(sealed: &[u8]) -> tgseal_core::Error {
    let keyring = tgseal_core::Keyring::new(
        tgseal_core::Passphrase::new(PASS).unwrap(),
        tgseal_core::KdfCap::DEFAULT,
    );
    let options = tgseal_core::DecryptOptions::default().with_threads(1);
    tgseal_core::Decryptor::new(sealed, &keyring)
        .and_then(|d| {
            d.decrypt_to_with(&mut std::io::sink(), &options, &tgseal_core::Control::new())
        })
        .expect_err("the damaged file opened")
}

#[test]
fn a_large_file_opens_on_helper_workers_and_damage_fails_as_in_one_thread() {
    let Some((b, _one)) = browser(1024, 768) else {
        return;
    };
    // 12 chunks of 256 KiB and padding: over the size from which helpers
    // open the payload (web/src/job.rs).
    let (dir, _input, data) = folder_with_file("film.mkv", 3_000_000);
    encrypt(dir.path(), &["--pad", "-O", "sealed", "film.mkv"])
        .assert()
        .success();
    let sealed = dir.path().join("sealed/film.mkv.tgseal");
    assert_eq!(helpers(&b), 0);
    let files = open_in_page(&b, std::slice::from_ref(&sealed), "", PASS).files();
    assert!(
        files == vec![("film.mkv".to_owned(), data.clone())],
        "not the same bytes"
    );
    assert!(helpers(&b) >= 2, "no helper workers: {:?}", b.workers());
    // Parts (picked in reverse) and armor are read by the page's worker and
    // sent to the helpers chunk by chunk.
    encrypt(dir.path(), &["--split", "1M", "-O", "parts", "film.mkv"])
        .assert()
        .success();
    let mut parts = files_in(&dir.path().join("parts"));
    parts.reverse();
    assert_eq!(parts.len(), 3);
    let files = open_in_page(&b, &parts, "", PASS).files();
    assert!(
        files == vec![("film.mkv".to_owned(), data.clone())],
        "parts: not the same bytes"
    );
    encrypt(dir.path(), &["--armor", "-O", "armored", "film.mkv"])
        .assert()
        .success();
    let armored = dir.path().join("armored/film.mkv.tgseal.txt");
    let files = open_in_page(&b, std::slice::from_ref(&armored), "", PASS).files();
    assert!(
        files == vec![("film.mkv".to_owned(), data.clone())],
        "armor: not the same bytes"
    );
    // Two large files in one job: one payload after the other on the same helpers.
    let mut both = open_in_page(&b, &[sealed.clone(), armored], "", PASS).files();
    both.sort();
    assert_eq!(both.len(), 2);
    assert!(
        both.iter()
            .all(|(name, bytes)| name.starts_with("film") && *bytes == data)
    );

    let bytes = std::fs::read(&sealed).unwrap();
    let chunk = 256 * 1024 + 16;
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut middle = bytes.clone();
    let at = bytes.len() / 2;
    middle[at] ^= 0x01;
    cases.push(("a tampered chunk in the middle", middle));
    cases.push(("cut in the middle", bytes[..bytes.len() / 2].to_vec()));
    cases.push((
        "cut three chunks before the end",
        bytes[..bytes.len() - 3 * chunk].to_vec(),
    ));
    let mut appended = bytes.clone();
    appended.extend_from_slice(&[0u8; 40]);
    cases.push(("data appended", appended));
    let mut last = bytes.clone();
    last.truncate(bytes.len() - 1);
    cases.push(("the final chunk cut by a byte", last));
    for (what, damaged) in cases {
        let path = dir.path().join("damaged.mkv.tgseal");
        std::fs::write(&path, &damaged).unwrap();
        let (kind, message) = open_in_page(&b, &[path], "", PASS).failure();
        let expected = one_thread_error(&damaged);
        assert_eq!(kind, expected.kind(), "{what}: {message}");
        let reason = expected.to_string();
        assert!(
            message.to_lowercase().starts_with(&reason.to_lowercase()),
            "{what}: {message} (one thread: {reason})"
        );
        assert!(message.ends_with("Nothing was saved."), "{what}: {message}");
        // Nothing staged is left behind.
        assert_eq!(staged_files(&b), json!([]), "{what}");
    }
    drop(dir);
}

/// What the page's staging area (Origin Private File System) holds.
fn staged_files(b: &Browser) -> Value {
    b.js_async(
        "const done = arguments[arguments.length - 1];
         navigator.storage.getDirectory()
           .then(root => root.getDirectoryHandle('tgseal-staging', {create: true}))
           .then(async dir => { const names = []; for await (const [n] of dir.entries()) names.push(n); done(names); })
           .catch(e => done(String(e)));",
        json!([]),
    )
}

#[test]
fn an_expensive_kdf_is_refused_until_the_switch_lifts_the_cap() {
    let Some((b, _one)) = browser(1024, 768) else {
        return;
    };
    // 17 passes: over the cap (16), cheap all the same (64 KiB).
    let (dir, _input, data) = folder_with_file("costly.txt", 5_000);
    tgseal(dir.path())
        .args(["encrypt", "--kdf-params", "64,17,1", "costly.txt"])
        .assert()
        .success();
    let sealed = dir.path().join("costly.txt.tgseal");
    let (kind, message) = open_in_page(&b, std::slice::from_ref(&sealed), "", PASS).failure();
    assert_eq!(kind, "kdf_over_cap");
    assert!(
        message.contains("Allow unusually expensive key derivation"),
        "{message}"
    );
    b.click(&b.by_label("Allow unusually expensive key derivation"));
    let files = open_in_page(&b, &[sealed], "", PASS).files();
    assert_eq!(files, vec![("costly.txt".to_owned(), data)]);
}

#[test]
fn progress_shows_speed_and_time_left_and_cancel_leaves_nothing() {
    let Some((b, _one)) = browser(1024, 768) else {
        return;
    };
    // Large enough to take a few seconds in the page.
    let (dir, _input, _data) = folder_with_file("big.bin", 128 << 20);
    encrypt(dir.path(), &["big.bin"]).assert().success();
    let sealed = dir.path().join("big.bin.tgseal");
    b.js(
        "window.shownProgress = [];
         new MutationObserver(() => window.shownProgress.push(document.getElementById('work-numbers').textContent))
           .observe(document.getElementById('work-numbers'), { childList: true, characterData: true, subtree: true });",
        json!([]),
    );
    b.click(&b.button("Open"));
    b.choose_files(
        &b.by_label("Sealed file, or all parts of a split file"),
        std::slice::from_ref(&sealed),
    );
    b.set_value(&b.by_label("Passphrase"), PASS);
    b.click(&b.css("#open-form button[type=submit]"));
    b.wait_for(
        "window.shownProgress.some(t => / of .*\\/s · .* left$/.test(t))",
        120,
    );
    let shown = b.js("return window.shownProgress.at(-1);", json!([]));
    // e.g. "12.0 MiB of 128.0 MiB · 30.1 MiB/s · 4 s left"
    assert!(shown.as_str().unwrap().contains("of 128.0 MiB"), "{shown}");
    // The payload is opened by helper workers, which Cancel stops too.
    assert!(helpers(&b) >= 2, "no helper workers: {:?}", b.workers());
    b.click(&b.button("Cancel"));
    let (kind, message) = finish_job(&b, "open-button").failure();
    assert_eq!(kind, "cancelled");
    assert_eq!(message, "Cancelled. Nothing was saved.");
    // The stopped job's staging file is deleted (the page retries while the
    // stopped worker still holds it).
    let started = std::time::Instant::now();
    while staged_files(&b) != json!([]) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{}",
            staged_files(&b)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let started = std::time::Instant::now();
    while helpers(&b) > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "helpers still running: {:?}",
            b.workers()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The fresh worker takes the next job.
    let vectors = tgseal_e2e::crate_dir().join("vectors");
    let files = open_in_page(&b, &[vectors.join("hello.tgseal")], "", PASS).files();
    assert_eq!(
        files[0].1,
        std::fs::read(vectors.join("hello.plain")).unwrap()
    );
    drop(dir);
}

#[test]
fn the_open_form_works_with_a_phone_keyboard_open() {
    let Some((b, _one)) = browser(360, 640) else {
        return;
    };
    let vectors = tgseal_e2e::crate_dir().join("vectors");
    b.click(&b.button("Open"));
    b.choose_files(
        &b.by_label("Sealed file, or all parts of a split file"),
        &[vectors.join("hello.tgseal")],
    );
    // A tap on the passphrase field: it has the focus, and the virtual
    // keyboard takes the lower half of the screen, which leaves the page
    // 360 × 330 (index.html asks for the layout to shrink with it:
    // interactive-widget=resizes-content).
    b.click(&b.by_label("Passphrase"));
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 360, "height": 330, "deviceScaleFactor": 1, "mobile": true }),
    );
    b.wait_for("window.innerHeight === 330", 10);
    assert_eq!(
        b.js("return document.activeElement.id;", json!([])),
        json!("open-pass")
    );
    // Brought into view as the browser does for a focused field, the whole
    // element is inside the visible part and nothing covers it.
    let shown = "const e = document.getElementById(arguments[0]);
        e.scrollIntoView({ block: 'nearest' });
        const r = e.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        // Scrolling lands on whole pixels, layout does not: allow 1 px.
        return { inside: r.top >= -1 && r.bottom <= window.innerHeight + 1 && r.left >= 0 && r.right <= window.innerWidth,
                 uncovered: hit === e || e.contains(hit), top: r.top, bottom: r.bottom };";
    let overflow = "return document.documentElement.scrollWidth - window.innerWidth;";
    for id in ["open-pass", "open-button"] {
        let seen = b.js(shown, json!([id]));
        assert_eq!(seen["inside"], json!(true), "{id}: {seen}");
        assert_eq!(seen["uncovered"], json!(true), "{id}: {seen}");
        assert_eq!(b.js(overflow, json!([])), json!(0), "{id}");
    }
    // Typed with the keyboard open, and the Open button tapped: WebDriver
    // scrolls to it and refuses to click what something else covers.
    b.js(
        "document.getElementById('open-pass').scrollIntoView({ block: 'nearest' });",
        json!([]),
    );
    b.type_into(&b.by_label("Passphrase"), PASS);
    assert_eq!(b.js(shown, json!(["open-pass"]))["inside"], json!(true));
    b.click(&b.css("#open-form button[type=submit]"));
    let files = finish_job(&b, "open-button").files();
    assert_eq!(
        files[0].1,
        std::fs::read(vectors.join("hello.plain")).unwrap()
    );
    assert_eq!(b.js(overflow, json!([])), json!(0), "results");
}

#[test]
fn the_page_makes_no_request_off_its_origin_and_fits_a_phone() {
    let Some((b, _one)) = browser(360, 640) else {
        return;
    };
    assert_eq!(b.js("return window.innerWidth;", json!([])), json!(360));
    let overflow = "return document.documentElement.scrollWidth - window.innerWidth;";
    let small_targets = "return [...document.querySelectorAll('button, a.download, input[type=file], input[type=password], input[type=text], select, .check')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.id || e.className || e.textContent.trim(), e.getBoundingClientRect().height, e.getBoundingClientRect().width])
        .filter(([, h, w]) => h < 44 || w < 44);";
    for tab in ["Open", "Seal files", "Seal text"] {
        b.click(&b.button(tab));
        assert_eq!(b.js(overflow, json!([])), json!(0), "{tab}");
        assert_eq!(b.js(small_targets, json!([])), json!([]), "{tab}");
    }
    // Work done at phone size: sealing with a generated passphrase, with results shown.
    let (dir, input, _data) =
        folder_with_file("a-rather-long-file-name-for-a-phone-screen.pdf", 10_000);
    b.click(&b.button("Seal files"));
    b.click(&b.css("#seal-form .generate"));
    b.wait_for(
        "document.getElementById('seal-pass').value.split(' ').length === 6",
        20,
    );
    let generated = b.js(
        "return document.getElementById('seal-pass').value;",
        json!([]),
    );
    let generated = generated.as_str().unwrap().to_owned();
    b.wait_for(
        "document.getElementById('seal-generated-words').textContent.length > 0",
        20,
    );
    // Shown whole, wrapped, beside the field (which cuts a generated
    // passphrase off at this width), with a Copy button of a finger's size.
    let shown = b.js(
        "const e = document.getElementById('seal-generated-words');
         return [e.textContent, e.offsetParent !== null, e.scrollWidth <= e.clientWidth,
                 e.getBoundingClientRect().right <= window.innerWidth,
                 document.getElementById('seal-pass').scrollWidth > document.getElementById('seal-pass').clientWidth];",
        json!([]),
    );
    assert_eq!(
        shown,
        json!([generated, true, true, true, true]),
        "generated"
    );
    assert_eq!(b.js(small_targets, json!([])), json!([]), "generated");
    b.button("Copy passphrase");
    let files = seal_in_page(&b, &[input], &generated, json!({ "split": "4K" })).files();
    assert_eq!(files.len(), 3);
    assert_eq!(b.js(overflow, json!([])), json!(0), "results");
    drop(dir);

    // Every request went to the page's own origin (the server's log and the
    // browser's network log agree); no analytics, fonts or CDNs.
    let origin = b.server.origin().to_owned();
    let mut urls: Vec<String> = b
        .performance_log()
        .iter()
        .filter(|e| e["message"]["method"] == "Network.requestWillBeSent")
        // The page's requests (and its workers'), not the browser's start-up tab.
        .filter(|e| {
            e["message"]["params"]["documentURL"]
                .as_str()
                .is_some_and(|d| d.starts_with(&origin))
        })
        .filter_map(|e| {
            e["message"]["params"]["request"]["url"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    urls.retain(|u| !u.starts_with("blob:") && !u.starts_with("data:"));
    assert!(!urls.is_empty());
    for url in &urls {
        assert!(url.starts_with(&origin), "request off the origin: {url}");
    }
    assert!(b.server.requests().iter().any(|p| p.ends_with(".wasm")));
}

/// Screenshots for docs/WEB.md (not a check): `cargo test -p tgseal-e2e
/// --test web -- --ignored screenshots`, written to TGSEAL_SCREENSHOTS (a
/// folder; default: the target's tmp folder). docs/ keeps web-phone-form.png
/// as web-phone.png (the Seal files form, from the top), web-phone-sealed.png
/// (its result) and web-desktop-opened.png as web-desktop.png (the sealed
/// file opened, from the top).
#[test]
#[ignore = "writes screenshots for the docs"]
fn screenshots() {
    let out = std::env::var_os("TGSEAL_SCREENSHOTS")
        .map_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")), PathBuf::from);
    let (dir, input, _data) = folder_with_file("passport scan.pdf", 3_000_000);
    for (label, width, height) in [("phone", 360, 640), ("desktop", 1280, 800)] {
        let Some((b, _one)) = browser(width, height) else {
            return;
        };
        std::fs::write(out.join(format!("web-{label}-open.png")), b.screenshot()).unwrap();
        b.click(&b.button("Seal files"));
        b.click(&b.css("#seal-form .generate"));
        b.wait_for(
            "document.getElementById('seal-pass').value.split(' ').length === 6",
            20,
        );
        let pass = b.js(
            "return document.getElementById('seal-pass').value;",
            json!([]),
        );
        let shown = seal_in_page(
            &b,
            std::slice::from_ref(&input),
            pass.as_str().unwrap(),
            json!({ "hideName": true, "pad": true, "kdf": "default" }),
        );
        b.js(
            "document.getElementById('result').scrollIntoView({block: 'end'});",
            json!([]),
        );
        std::fs::write(out.join(format!("web-{label}-sealed.png")), b.screenshot()).unwrap();
        let to_top = || {
            b.js("window.scrollTo(0, 0);", json!([]));
            b.wait_for("window.scrollY === 0", 5);
        };
        to_top();
        std::fs::write(out.join(format!("web-{label}-form.png")), b.screenshot()).unwrap();
        // What the recipient sees: the sealed file opened and verified,
        // from the top of the page.
        let (name, bytes) = shown.files().remove(0);
        let sealed = dir.path().join(name);
        std::fs::write(&sealed, bytes).unwrap();
        let opened = open_in_page(&b, &[sealed], "", pass.as_str().unwrap());
        assert_eq!(opened.files()[0].0, "passport scan.pdf");
        to_top();
        std::fs::write(out.join(format!("web-{label}-opened.png")), b.screenshot()).unwrap();
        b.click(&b.button("Seal text"));
        std::fs::write(out.join(format!("web-{label}-message.png")), b.screenshot()).unwrap();
    }
    drop(dir);
}

#[test]
fn the_app_works_offline_once_loaded() {
    let Some((b, _one)) = browser(1024, 768) else {
        return;
    };
    // The service worker caches the app on the first visit (and claims the page).
    b.wait_for("navigator.serviceWorker.controller !== null", 30);
    let vectors = tgseal_e2e::crate_dir().join("vectors");
    let plain = std::fs::read(vectors.join("hello.plain")).unwrap();
    // A job makes no request at all: the worker and the wasm were loaded at start.
    let before = b.server.requests().len();
    let files = open_in_page(&b, &[vectors.join("hello.tgseal")], "", PASS).files();
    assert_eq!(files[0].1, plain);
    assert_eq!(
        b.server.requests().len(),
        before,
        "{:?}",
        &b.server.requests()[before..]
    );
    // Airplane mode: nothing reaches the network any more.
    b.cdp("Network.enable", json!({}));
    b.cdp(
        "Network.emulateNetworkConditions",
        json!({ "offline": true, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 }),
    );
    b.js("location.reload();", json!([]));
    b.wait_for("document.body.dataset.ready === 'true'", 30);
    let files = open_in_page(&b, &[vectors.join("hello.tgseal")], "", PASS).files();
    assert_eq!(files[0].1, plain);
    // A file large enough for the helper workers: their script and wasm come
    // from the cache too.
    let (dir, _input, data) = folder_with_file("large.bin", 2_000_000);
    encrypt(dir.path(), &["large.bin"]).assert().success();
    let files = open_in_page(&b, &[dir.path().join("large.bin.tgseal")], "", PASS).files();
    assert!(files[0].1 == data, "not the same bytes");
    assert!(helpers(&b) >= 2, "no helper workers: {:?}", b.workers());
    assert_eq!(
        b.server.requests().len(),
        before,
        "{:?}",
        &b.server.requests()[before..]
    );
}
