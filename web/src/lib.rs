//! # tgseal-web
//!
//! The web app's Rust side: `tgseal-core`, built without default features for
//! `wasm32-unknown-unknown`, behind a handful of coarse calls that the page's
//! Web Worker makes (docs/WEB.md). Every decision — what a picked file is,
//! which parts belong together, names, padding, split, armor, the passphrase
//! strength, the generator, the KDF cap — is the core's; the JavaScript only
//! moves files, bytes and messages.
//!
//! - [`OpenJob`]: sealed files, armored text files and split parts (any
//!   order) → plaintext written to the page's staging area, each chunk only
//!   after it verified; a large payload's chunks are opened by helper Web
//!   Workers ([`ChunkWorker`]) on other cores, and written back in order
//!   (`job.rs`). The page offers the output for download only when the job
//!   ended without error.
//! - [`open_text`]: pasted armored text or text-message pieces (any order).
//! - [`seal_files`], [`seal_text`]: the desktop app's options.
//! - [`generate_passphrase`], [`strength`], [`choices`]: for the form.
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

#[cfg(feature = "bench")]
pub mod bench;
mod io;
mod job;
mod open;
mod outputs;
mod seal;
mod words;

use std::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use tgseal_core::armor::{self, MAX_SINGLE_MESSAGE_TEXT, MAX_TEXT};
use tgseal_core::generate::{DEFAULT_WORDS, entropy_bits, generate_passphrase as generate};
use tgseal_core::split::{BOT, TELEGRAM, TELEGRAM_PREMIUM, parse_part_size};
use tgseal_core::strength::estimate;
use tgseal_core::{
    ContentKind, Control, EncryptOptions, KdfCap, KdfParams, KdfPreset, Keyring, MasterKey,
    Passphrase, ShapeOptions, inspect,
};
use wasm_bindgen::prelude::*;
use web_sys::File;
use zeroize::Zeroize;

pub use io::Sink;
pub use job::{ChunkWorker, OpenJob};
pub use outputs::Output;
use words::{ALLOW_WEAK_LABEL, Failure, failure, refusal};

/// Without the Origin Private File System, output is held in memory: this
/// much at most (inputs larger than this are refused before any work).
pub const MEMORY_STAGING_LIMIT: u64 = 256 << 20;

thread_local! {
    /// The page's progress callback for the running job. A thread-local
    /// because `Control` wants a `Send` callback and JavaScript values are
    /// not; the worker has one thread.
    static PROGRESS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Tells the page how far the job is: `stage` is "key" (Argon2id; `detail`
/// says with what parameters) or "data" (`done` of `total` bytes of file
/// `index` + 1 of `count`).
fn report(stage: &str, done: f64, total: f64, index: usize, count: usize, detail: &str) {
    PROGRESS.with(|cell| {
        if let Some(callback) = cell.borrow().as_ref() {
            let args = Array::of5(
                &stage.into(),
                &done.into(),
                &total.into(),
                &(index as f64).into(),
                &(count as f64).into(),
            );
            args.push(&detail.into());
            let _ = callback.apply(&JsValue::NULL, &args);
        }
    });
}

/// A control that reports data progress for file `index` of `count`.
fn control(index: usize, count: usize) -> Control {
    Control::new().with_progress(move |p| {
        let total = p.total.map_or(f64::NAN, |t| t as f64);
        report("data", p.done as f64, total, index, count, "");
    })
}

/// Runs one job with the page's progress callback installed.
fn with_progress<T>(progress: &Function, job: impl FnOnce() -> T) -> T {
    PROGRESS.with(|cell| *cell.borrow_mut() = Some(progress.clone()));
    let result = job();
    PROGRESS.with(|cell| *cell.borrow_mut() = None);
    result
}

fn key_detail(params: &KdfParams) -> String {
    format!(
        "Deriving the key from the passphrase ({params}). If the page stops here, the browser could not give it {} MiB of memory.",
        params.memory_kib / 1024
    )
}

/// A plain object from key-value pairs.
fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let out = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&out, &(*key).into(), value);
    }
    out.into()
}

fn thrown(failure: Failure) -> JsValue {
    object(&[
        ("kind", failure.kind.into()),
        ("message", failure.message.into()),
    ])
}

fn outputs_value(outputs: &[Output]) -> JsValue {
    outputs
        .iter()
        .map(|o| {
            object(&[
                ("name", o.name.as_str().into()),
                ("start", (o.start as f64).into()),
                ("len", (o.len as f64).into()),
            ])
        })
        .collect::<Array>()
        .into()
}

fn files_of(files: &Array) -> Result<Vec<File>, JsValue> {
    let list: Vec<File> = files
        .iter()
        .filter_map(|f| f.dyn_into::<File>().ok())
        .collect();
    if list.is_empty() {
        return Err(thrown(refusal("no_input", "choose a file first")));
    }
    Ok(list)
}

/// The passphrase from the page, wiped from the string it came in.
fn passphrase(mut text: String) -> Result<Passphrase, JsValue> {
    let pass = Passphrase::new(&text);
    text.zeroize();
    pass.map_err(|e| thrown(failure(&e, false)))
}

/// Refuses work the staging area cannot hold: without the Origin Private
/// File System everything is kept in memory.
fn check_staging(on_disk: bool, bytes: u64) -> Result<(), JsValue> {
    if on_disk || bytes <= MEMORY_STAGING_LIMIT {
        return Ok(());
    }
    Err(thrown(refusal(
        "too_large_without_storage",
        format!(
            "this browser gives the page no private file storage (OPFS), so output is held in memory, up to {} MiB; this is {} MiB. Use a current Chrome, Edge, Firefox or Safari, outside private browsing",
            MEMORY_STAGING_LIMIT >> 20,
            bytes.div_ceil(1 << 20)
        ),
    )))
}

/// Refuses a weak passphrase for sealing unless the user accepted it.
fn check_strength(pass: &Passphrase, allow_weak: bool) -> Result<(), JsValue> {
    let strength = estimate(pass.expose());
    if strength.is_weak() && !allow_weak {
        return Err(thrown(refusal(
            "weak_passphrase",
            format!(
                "this passphrase is weak: {} Generate one, or turn on “{ALLOW_WEAK_LABEL}”",
                strength.explanation()
            ),
        )));
    }
    Ok(())
}

impl open::Sealed {
    /// The header's public facts, for the progress text (None when the
    /// input is not readable as a sealed file; opening then says why).
    fn reader_header(&self) -> Option<tgseal_core::HeaderInfo> {
        inspect(&mut self.reader().ok()?).ok()
    }
}

/// Opens pasted text: one armored block, or the pieces of a text message in
/// any order, with anything between them. Returns `{kind: "text", text}` or,
/// for a sealed file pasted as armor, `{kind: "file", name, bytes}` (held in
/// memory: pasted text is small). Nothing is returned unless every byte
/// authenticated.
#[wasm_bindgen]
pub fn open_text(
    text: String,
    passphrase_text: String,
    lift_kdf_cap: bool,
    progress: &Function,
) -> Result<JsValue, JsValue> {
    let pass = passphrase(passphrase_text)?;
    with_progress(progress, || {
        let keyring = Keyring::new(pass, KdfCap::lifted_if(lift_kdf_cap));
        if let Ok(sealed) = armor::dearmor(text.as_bytes())
            && let Ok(info) = inspect(&mut &sealed[..])
        {
            report("key", 0.0, f64::NAN, 0, 1, &key_detail(&info.kdf));
        }
        let (metadata, plain) = armor::open_text(text.as_bytes(), &keyring, &control(0, 1))
            .map_err(|e| thrown(failure(&e, true)))?;
        if metadata.kind == ContentKind::Text {
            return Ok(object(&[
                ("kind", "text".into()),
                ("text", String::from_utf8_lossy(&plain).as_ref().into()),
            ]));
        }
        let mut name = tgseal_core::names::restored_name(&metadata.name, "message.tgseal");
        if metadata.kind == ContentKind::Folder {
            name.push_str(".tar");
        }
        let name = tgseal_core::names::download_name(&name);
        Ok(object(&[
            ("kind", "file".into()),
            ("name", name.into()),
            ("bytes", Uint8Array::from(&plain[..]).into()),
        ]))
    })
}

/// What the page's seal form chose.
struct SealChoices {
    preset: KdfPreset,
    shape: ShapeOptions,
    allow_weak: bool,
}

impl SealChoices {
    /// Reads `{kdf, split, hideName, pad, armor, allowWeak}`; `split` is a
    /// part size as the CLI takes it (`telegram`, `bot`, `500M`) or empty.
    fn from_js(options: &JsValue) -> Result<SealChoices, JsValue> {
        let get = |key: &str| Reflect::get(options, &key.into()).unwrap_or(JsValue::UNDEFINED);
        let flag = |key: &str| get(key).as_bool().unwrap_or(false);
        let kdf = get("kdf").as_string().unwrap_or_default();
        let preset = KdfPreset::ALL
            .into_iter()
            .find(|p| p.name() == kdf)
            .unwrap_or_default();
        let split = match get("split").as_string().unwrap_or_default().as_str() {
            "" | "none" => None,
            size => Some(parse_part_size(size).map_err(|e| thrown(refusal("bad_split", e)))?),
        };
        Ok(SealChoices {
            preset,
            shape: ShapeOptions {
                split,
                hide_name: flag("hideName"),
                pad: flag("pad"),
                armor: flag("armor"),
            },
            allow_weak: flag("allowWeak"),
        })
    }
}

/// Seals the picked `files` with one passphrase and the desktop app's
/// options (`{kdf, split, hideName, pad, armor, allowWeak}`) into `sink`.
/// Returns `{ outputs: [{name, start, len}] }`. Throws `{kind, message}`.
#[wasm_bindgen]
pub fn seal_files(
    files: Array,
    passphrase_text: String,
    options: JsValue,
    on_disk: bool,
    sink: &Sink,
    progress: &Function,
) -> Result<JsValue, JsValue> {
    let pass = passphrase(passphrase_text)?;
    let files = files_of(&files)?;
    let choices = SealChoices::from_js(&options)?;
    check_strength(&pass, choices.allow_weak)?;
    // Output is a little larger than the input (a third larger as armor).
    let input: u64 = files.iter().map(|f| f.size() as u64).sum();
    let armor_factor = if choices.shape.armor { 4 } else { 3 };
    check_staging(on_disk, input / 3 * armor_factor)?;
    with_progress(progress, || {
        let params = choices.preset.params();
        report("key", 0.0, f64::NAN, 0, files.len(), &key_detail(&params));
        let master = MasterKey::derive(&pass, params).map_err(|e| thrown(failure(&e, false)))?;
        let mut writer = io::SinkWriter::new(sink);
        let mut outputs = Vec::new();
        for (index, file) in files.iter().enumerate() {
            let written = seal::seal_file(
                file,
                &master,
                &choices.shape,
                &mut writer,
                &control(index, files.len()),
            )
            .map_err(|e| thrown(failure(&e, false)))?;
            outputs.extend(written);
        }
        Ok(object(&[("outputs", outputs_value(&outputs))]))
    })
}

/// Seals a typed message for a chat (FORMAT.md §11.3): the default KDF, no
/// name, armored into pieces that each fit one Telegram message. Returns the
/// pieces (one string when it fits one message).
#[wasm_bindgen]
pub fn seal_text(
    text: String,
    passphrase_text: String,
    allow_weak: bool,
    progress: &Function,
) -> Result<JsValue, JsValue> {
    let pass = passphrase(passphrase_text)?;
    check_strength(&pass, allow_weak)?;
    with_progress(progress, || {
        let params = KdfPreset::Default.params();
        report("key", 0.0, f64::NAN, 0, 1, &key_detail(&params));
        let master = MasterKey::derive(&pass, params).map_err(|e| thrown(failure(&e, false)))?;
        let options = EncryptOptions::default().with_threads(1);
        let pieces = armor::seal_text(&master, &text, &options, &Control::new())
            .map_err(|e| thrown(failure(&e, false)))?;
        Ok(pieces
            .iter()
            .map(|p| JsValue::from(p.as_str()))
            .collect::<Array>()
            .into())
    })
}

/// A fresh passphrase from the CLI's generator: `{passphrase, bits}`.
#[wasm_bindgen]
pub fn generate_passphrase() -> Result<JsValue, JsValue> {
    let pass = generate(DEFAULT_WORDS).map_err(|e| thrown(failure(&e, false)))?;
    Ok(object(&[
        ("passphrase", pass.expose().into()),
        ("bits", entropy_bits(DEFAULT_WORDS).into()),
    ]))
}

/// The CLI's strength estimate of a typed passphrase: `{score (0–4), weak,
/// explanation}`; an empty passphrase has score 0 and no explanation.
#[wasm_bindgen]
pub fn strength(passphrase_text: String) -> JsValue {
    let mut text = passphrase_text;
    if text.is_empty() {
        return object(&[
            ("score", 0.into()),
            ("weak", true.into()),
            ("explanation", "".into()),
        ]);
    }
    let strength = estimate(&text);
    text.zeroize();
    object(&[
        ("score", strength.score.into()),
        ("weak", strength.is_weak().into()),
        (
            "explanation",
            if strength.is_weak() {
                strength.explanation()
            } else {
                String::new()
            }
            .into(),
        ),
    ])
}

/// The choices the page's forms offer, from the core's own definitions:
/// `{ kdf: [{value, label}], split: [{value, label}], kdfCap, memoryLimit,
/// maxText, singleMessageText }`.
#[wasm_bindgen]
pub fn choices() -> JsValue {
    let kdf: Array = KdfPreset::ALL
        .iter()
        .map(|preset| {
            let params = preset.params();
            let label = format!(
                "{} ({} MiB, {} passes)",
                preset.name(),
                params.memory_kib / 1024,
                params.passes
            );
            object(&[("value", preset.name().into()), ("label", label.into())])
        })
        .collect();
    let mib = |bytes: u64| bytes >> 20;
    let split: Array = [
        ("", "Do not split".to_owned()),
        (
            "telegram",
            format!("Telegram: parts of {} MiB", mib(TELEGRAM)),
        ),
        (
            "telegram-premium",
            format!("Telegram Premium: parts of {} MiB", mib(TELEGRAM_PREMIUM)),
        ),
        ("bot", format!("Bot API: parts of {} MB", BOT / 1_000_000)),
    ]
    .iter()
    .map(|(value, label)| object(&[("value", (*value).into()), ("label", label.as_str().into())]))
    .collect();
    let cap = KdfCap::DEFAULT;
    object(&[
        ("kdf", kdf.into()),
        ("split", split.into()),
        (
            "kdfCap",
            format!(
                "{} MiB of memory, {} passes",
                cap.max_memory_kib / 1024,
                cap.max_passes
            )
            .into(),
        ),
        ("memoryLimit", ((MEMORY_STAGING_LIMIT >> 20) as f64).into()),
        ("maxText", (MAX_TEXT as f64).into()),
        ("singleMessageText", (MAX_SINGLE_MESSAGE_TEXT as f64).into()),
    ])
}
