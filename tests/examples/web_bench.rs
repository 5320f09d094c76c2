//! The web app's benchmark in headless Chromium (a measurement, not a test):
//! the time of each KDF preset, MiB/s to seal and to open a file, and the
//! browser's memory while opening files of two sizes (flat = bounded).
//!
//! ```sh
//! cargo run --release -p tgseal-e2e --example web_bench [SIZE_MiB=256] [LARGE_MiB=1024]
//! ```
//!
//! Needs what tests/tests/web.rs needs (chromium, chromedriver, the
//! wasm-bindgen CLI). Files are sealed by the CLI with a cheap KDF where the
//! payload is measured, so the figures are the payload's; the KDF has its own rows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use tgseal_e2e::browser::Browser;
use tgseal_e2e::{PASS, encrypt};

fn data_file(dir: &Path, name: &str, mib: u64) -> PathBuf {
    use std::io::Write;
    let path = dir.join(name);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let block: Vec<u8> = (0..1u32 << 20)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    for _ in 0..mib {
        out.write_all(&block).unwrap();
    }
    path
}

/// Runs one job through the page's form and returns its duration.
fn job(b: &Browser, form: &str, button: &str, file: &Path, options: serde_json::Value) -> Duration {
    b.js(
        "document.getElementById('result').hidden = true;",
        json!([]),
    );
    if form == "seal" {
        b.click(&b.button("Seal files"));
        b.choose_files(&b.by_label("Files to seal"), &[file.to_path_buf()]);
        b.set_value(&b.css("#seal-pass"), PASS);
        b.js(
            "document.getElementById('seal-kdf').value = arguments[0];",
            json!([options["kdf"]]),
        );
    } else {
        b.click(&b.button("Open"));
        b.choose_files(
            &b.by_label("Sealed file, or all parts of a split file"),
            &[file.to_path_buf()],
        );
        b.set_value(&b.css("#open-pass"), PASS);
    }
    let started = Instant::now();
    b.click(&b.css(&format!("#{form}-form button[type=submit]")));
    b.wait_for(
        &format!("!document.getElementById('result').hidden && !document.getElementById('{button}').disabled"),
        1800,
    );
    let took = started.elapsed();
    let error = b.js("const e = document.getElementById('result-error'); return e.hidden ? null : e.textContent;", json!([]));
    assert!(error.is_null(), "{error}");
    took
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let size = args.first().copied().unwrap_or(256);
    let large = args.get(1).copied().unwrap_or(1024);
    let Some(b) = Browser::start(1280, 800) else {
        eprintln!("no browser");
        return;
    };
    b.open_app();
    let dir = tempfile::tempdir().unwrap();
    let tiny = data_file(dir.path(), "tiny.bin", 0);
    println!(
        "web app in headless Chromium, {} MiB and {} MiB files",
        size, large
    );
    println!("{:<28} {:>10} {:>10}", "what", "median s", "MiB/s");
    for preset in ["interactive", "default", "paranoid"] {
        let runs = (0..3)
            .map(|_| job(&b, "seal", "seal-button", &tiny, json!({ "kdf": preset })))
            .collect();
        println!(
            "{:<28} {:>10.3} {:>10}",
            format!("kdf-{preset}"),
            median(runs).as_secs_f64(),
            "-"
        );
    }
    let cheap_kdf = median(
        (0..3)
            .map(|_| {
                job(
                    &b,
                    "seal",
                    "seal-button",
                    &tiny,
                    json!({ "kdf": "interactive" }),
                )
            })
            .collect(),
    );

    let input = data_file(dir.path(), "data.bin", size);
    let seal = median(
        (0..3)
            .map(|_| {
                job(
                    &b,
                    "seal",
                    "seal-button",
                    &input,
                    json!({ "kdf": "interactive" }),
                )
            })
            .collect(),
    );
    let seal_payload = seal.saturating_sub(cheap_kdf).as_secs_f64();
    println!(
        "{:<28} {:>10.3} {:>10.0}",
        "seal (payload)",
        seal_payload,
        size as f64 / seal_payload
    );

    // Opened: a file the CLI sealed with a cheap KDF, so the time is the payload's.
    encrypt(dir.path(), &["data.bin"]).assert().success();
    let sealed = dir.path().join("data.bin.tgseal");
    let tiny_sealed = {
        encrypt(dir.path(), &["tiny.bin"]).assert().success();
        dir.path().join("tiny.bin.tgseal")
    };
    let open_kdf = median(
        (0..3)
            .map(|_| job(&b, "open", "open-button", &tiny_sealed, json!({})))
            .collect(),
    );
    let open = median(
        (0..3)
            .map(|_| job(&b, "open", "open-button", &sealed, json!({})))
            .collect(),
    );
    let open_payload = open.saturating_sub(open_kdf).as_secs_f64();
    println!(
        "{:<28} {:>10.3} {:>10.0}",
        "open (payload)",
        open_payload,
        size as f64 / open_payload
    );

    // Memory while opening: sampled every 50 ms across all the browser's processes.
    let peak_while = |file: &Path| {
        let peak = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let baseline = b.memory();
        let sampler = {
            let (peak, stop) = (peak.clone(), stop.clone());
            let profile_memory = b.memory_sampler();
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(profile_memory(), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        };
        job(&b, "open", "open-button", file, json!({}));
        stop.store(true, Ordering::Relaxed);
        sampler.join().unwrap();
        (baseline, peak.load(Ordering::Relaxed))
    };
    let mib = |bytes: u64| bytes >> 20;
    let (base, peak) = peak_while(&sealed);
    println!(
        "memory opening {size} MiB: before {} MiB, peak {} MiB",
        mib(base),
        mib(peak)
    );
    data_file(dir.path(), "large.bin", large);
    encrypt(dir.path(), &["large.bin"]).assert().success();
    let (base, peak) = peak_while(&dir.path().join("large.bin.tgseal"));
    println!(
        "memory opening {large} MiB: before {} MiB, peak {} MiB",
        mib(base),
        mib(peak)
    );
}
