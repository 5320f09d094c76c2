//! The web app's benchmark in headless Chromium (a measurement, not a test):
//! the time of each KDF preset, MiB/s to seal and to open a file, how the
//! open time splits between the cipher and the browser's I/O, and the
//! browser's memory, process by process, while a fresh page opens files of
//! two sizes (flat = bounded).
//!
//! ```sh
//! cargo build -p tgseal-e2e --example web_bench && cargo build -p tgseal
//! CARGO_BIN_EXE_tgseal=$CARGO_TARGET_DIR/debug/tgseal \
//!   $CARGO_TARGET_DIR/debug/examples/web_bench [SIZE_MiB=256] [MEMORY_MiB…=SIZE 1024] \
//!   [--build LABEL=DIR]… [--memory-only | --open-only]
//! ```
//!
//! `--build LABEL=DIR` measures another build of the app too (an earlier
//! commit's web/dist/), interleaved with this tree's: its open speed, in a
//! browser of its own, and its memory.
//!
//! Needs what tests/tests/web.rs needs (chromium, chromedriver, the
//! wasm-bindgen CLI). Files are sealed by the CLI with a cheap KDF where the
//! payload is measured, so the figures are the payload's; the KDF has its own
//! rows. The cipher rows run web/src/bench.rs (a build of the app with the
//! `bench` feature, in a temporary folder) in a Web Worker of the same browser.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tgseal_e2e::browser::{Browser, Server, build_bench_dist};
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

/// The machine's load average over the last minute (shared machine: every
/// figure is printed next to it).
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .next()
        .unwrap_or("?")
        .to_owned()
}

/// Runs one job through the page's form and returns its duration.
fn job(b: &Browser, form: &str, button: &str, file: &Path, options: Value) -> Duration {
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

fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

/// The module worker that runs web/src/bench.rs, written into the bench build.
const BENCH_WORKER: &str = "import init, * as core from './tgseal_web.js';
const ready = init({ module_or_path: new URL('tgseal_web_bg.wasm', import.meta.url) });
self.onmessage = async (event) => {
  await ready;
  try { self.postMessage({ ok: core[event.data.op](event.data.mib) }); }
  catch (err) { self.postMessage({ error: String(err) }); }
};
";

/// Runs `op(mib)` of web/src/bench.rs in a fresh Web Worker of the bench
/// build's page; returns what it returned (milliseconds).
fn bench_call(b: &Browser, bench: &Server, op: &str, mib: u64) -> Value {
    b.visit(&format!("{}/", bench.origin()));
    let reply = b.js_async(
        "const done = arguments[arguments.length - 1];
         const w = new Worker('bench-worker.js', { type: 'module' });
         w.onmessage = (e) => { w.terminate(); done(e.data); };
         w.postMessage({ op: arguments[0], mib: arguments[1] });",
        json!([op, mib]),
    );
    assert!(reply.get("error").is_none(), "{op}: {reply}");
    reply["ok"].clone()
}

/// Memory while a fresh page opens `file`: each process role's resident
/// memory before, and its peak while opening (sampled every 50 ms).
fn memory_while_opening(build: &Build, file: &Path, mib: u64) {
    let b = match &build.dist {
        Some(dist) => Browser::start_with(1280, 800, dist).unwrap(),
        None => Browser::start(1280, 800).unwrap(),
    };
    b.open_app();
    std::thread::sleep(Duration::from_secs(2));
    let sample = b.memory_sampler();
    let before = sample();
    let peaks = Arc::new(Mutex::new((BTreeMap::<String, u64>::new(), 0u64)));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peaks, stop) = (peaks.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let now = sample();
                let mut peaks = peaks.lock().unwrap();
                peaks.1 = peaks.1.max(now.values().sum());
                for (role, rss) in now {
                    let peak = peaks.0.entry(role).or_insert(0);
                    *peak = (*peak).max(rss);
                }
                drop(peaks);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let took = job(&b, "open", "open-button", file, json!({}));
    stop.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let (peaks, total_peak) = peaks.lock().unwrap().clone();
    let mib_of = |bytes: u64| bytes as f64 / f64::from(1 << 20);
    println!(
        "memory opening {mib} MiB in a fresh page, {} ({:.1} s, load {}):",
        build.label,
        took.as_secs_f64(),
        load()
    );
    println!(
        "  {:<28} {:>10} {:>10} {:>10}",
        "process (resident MiB)", "before", "peak", "growth"
    );
    for (role, peak) in &peaks {
        let start = before.get(role).copied().unwrap_or(0);
        println!(
            "  {:<28} {:>10.0} {:>10.0} {:>+10.0}",
            role,
            mib_of(start),
            mib_of(*peak),
            mib_of(*peak) - mib_of(start)
        );
    }
    let start: u64 = before.values().sum();
    println!(
        "  {:<28} {:>10.0} {:>10.0} {:>+10.0}",
        "all (peak of the sum)",
        mib_of(start),
        mib_of(total_peak),
        mib_of(total_peak) - mib_of(start)
    );
}

/// A build of the web app whose memory is measured.
struct Build {
    label: String,
    /// None: web/dist/, built from this tree.
    dist: Option<PathBuf>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sizes: Vec<u64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let size = sizes.first().copied().unwrap_or(256);
    // Memory is measured opening each size given (default: SIZE and 1024).
    let memory_sizes = if sizes.len() > 1 {
        sizes.clone()
    } else {
        vec![size, 1024]
    };
    // --build LABEL=DIR: also measure another build of the app (e.g. an
    // earlier commit's web/dist/), interleaved with this one.
    let mut builds = vec![Build {
        label: "this build".to_owned(),
        dist: None,
    }];
    for pair in args.windows(2).filter(|w| w[0] == "--build") {
        let (label, dir) = pair[1].split_once('=').expect("--build LABEL=DIR");
        builds.push(Build {
            label: label.to_owned(),
            dist: Some(PathBuf::from(dir)),
        });
    }
    let memory_only = args.iter().any(|a| a == "--memory-only");
    let Some(b) = Browser::start(1280, 800) else {
        eprintln!("no browser");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    if memory_only {
        drop(b);
        memory(dir.path(), &builds, &memory_sizes);
        return;
    }
    let bench_dist = tempfile::tempdir().unwrap();
    build_bench_dist(bench_dist.path()).unwrap();
    std::fs::write(bench_dist.path().join("bench-worker.js"), BENCH_WORKER).unwrap();
    let bench = Server::start(bench_dist.path());
    b.open_app();
    let tiny = data_file(dir.path(), "tiny.bin", 0);
    println!("web app in headless Chromium, {size} MiB files");
    println!(
        "{:<34} {:>10} {:>10} {:>6}",
        "what", "median s", "MiB/s", "load"
    );
    // The median of the runs, then each run (a shared machine: the spread shows).
    let row = |what: &str, runs: &[f64], mib: Option<u64>| {
        let seconds = median(runs.to_vec());
        let speed = mib.map_or("-".to_owned(), |m| format!("{:.0}", m as f64 / seconds));
        let each: Vec<String> = runs.iter().map(|r| format!("{r:.2}")).collect();
        println!(
            "{what:<34} {seconds:>10.3} {speed:>10} {:>6}   {}",
            load(),
            each.join(" ")
        );
    };
    let app = |form: &str, file: &Path, options: Value| {
        let button = format!("{form}-button");
        job(&b, form, &button, file, options).as_secs_f64()
    };
    // --open-only: just the open rows below.
    let open_only = args.iter().any(|a| a == "--open-only");
    for preset in ["interactive", "default", "paranoid"] {
        if open_only {
            break;
        }
        let runs: Vec<f64> = (0..3)
            .map(|_| app("seal", &tiny, json!({ "kdf": preset })))
            .collect();
        row(&format!("kdf-{preset}"), &runs, None);
    }
    // Everything below in a fresh page: the paranoid rows left 1 GiB of
    // WebAssembly memory behind (it never shrinks).
    b.open_app();
    let input = data_file(dir.path(), "data.bin", size);
    if !open_only {
        let cheap = json!({ "kdf": "interactive" });
        let cheap_kdf = median((0..3).map(|_| app("seal", &tiny, cheap.clone())).collect());
        let seal: Vec<f64> = (0..3)
            .map(|_| app("seal", &input, cheap.clone()) - cheap_kdf)
            .collect();
        row("seal (payload)", &seal, Some(size));
    }

    // Opened: a file the CLI sealed with a cheap KDF, so the time is the
    // payload's; interleaved with the core alone and the cipher alone.
    encrypt(dir.path(), &["data.bin"]).assert().success();
    let sealed = dir.path().join("data.bin.tgseal");
    encrypt(dir.path(), &["tiny.bin"]).assert().success();
    let tiny_sealed = dir.path().join("tiny.bin.tgseal");
    let (mut open, mut core, mut cipher, mut copy, mut cipher_seal) =
        (vec![], vec![], vec![], vec![], vec![]);
    // The other builds (--build), each in its own browser, interleaved.
    let others: Vec<(&str, Browser)> = builds
        .iter()
        .filter_map(|build| {
            let dist = build.dist.as_ref()?;
            Some((build.label.as_str(), Browser::start_with(1280, 800, dist)?))
        })
        .collect();
    let mut others_open: Vec<Vec<f64>> = vec![Vec::new(); others.len()];
    let mut others_cpu: Vec<Vec<f64>> = vec![Vec::new(); others.len()];
    let mut open_cpu = Vec::new();
    // Seconds of the payload, and the CPU seconds all the browser's
    // processes used for the whole job.
    let open_payload = |b: &Browser| {
        b.open_app();
        let kdf = job(b, "open", "open-button", &tiny_sealed, json!({}));
        let cpu = b.cpu_seconds();
        let took = job(b, "open", "open-button", &sealed, json!({}));
        let cpu = b.cpu_seconds() - cpu;
        ((took - kdf).as_secs_f64(), cpu)
    };
    for _ in 0..3 {
        for ((_, other), (runs, cpu)) in others
            .iter()
            .zip(others_open.iter_mut().zip(&mut others_cpu))
        {
            let (took, used) = open_payload(other);
            runs.push(took);
            cpu.push(used);
        }
        let (took, used) = open_payload(&b);
        open.push(took);
        open_cpu.push(used);
        let core_mib = size.min(256);
        core.push(
            bench_call(&b, &bench, "bench_core_open", core_mib)
                .as_f64()
                .unwrap()
                / 1000.0
                * (size as f64 / core_mib as f64),
        );
        let c = bench_call(&b, &bench, "bench_cipher", size);
        copy.push(c["copy"].as_f64().unwrap() / 1000.0);
        cipher.push(c["open"].as_f64().unwrap() / 1000.0);
        cipher_seal.push(c["seal"].as_f64().unwrap() / 1000.0);
    }
    row("open (payload, the page)", &open, Some(size));
    row("  CPU s of all its processes", &open_cpu, None);
    for (((label, _), runs), cpu) in others.iter().zip(&others_open).zip(&others_cpu) {
        row(&format!("open (payload), {label}"), runs, Some(size));
        row("  CPU s of all its processes", cpu, None);
    }
    drop(others);
    row("  core open, bytes in wasm", &core, Some(size));
    row("  cipher open (copy + verify)", &cipher, Some(size));
    row("  copy alone (256 KiB chunks)", &copy, Some(size));
    row("  cipher seal", &cipher_seal, Some(size));
    drop(b);
    if !open_only {
        memory(dir.path(), &builds, &memory_sizes);
    }
}

/// Memory while opening a file of each of `sizes` MiB, one fresh browser
/// per file and build, the builds interleaved.
fn memory(dir: &Path, builds: &[Build], sizes: &[u64]) {
    for &mib in sizes {
        let name = format!("memory-{mib}.bin");
        let sealed = dir.join(format!("{name}.tgseal"));
        if !sealed.exists() {
            data_file(dir, &name, mib);
            encrypt(dir, &[&name]).assert().success();
            std::fs::remove_file(dir.join(&name)).unwrap();
        }
        for build in builds {
            memory_while_opening(build, &sealed, mib);
        }
    }
}
