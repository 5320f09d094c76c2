//! A real browser for the web app's tests (tests/tests/web.rs) and benchmark
//! (tests/examples/web_bench.rs): web/build.sh's output served by a tiny
//! static server that logs every request, headless Chromium driven by
//! chromedriver, and a minimal WebDriver client (JSON over HTTP on std's
//! TcpStream: no async runtime, no extra crates).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The web app's source folder (`web/`).
pub fn web_dir() -> PathBuf {
    crate::crate_dir().parent().unwrap().join("web")
}

/// Whether a browser test must run: in CI (TGSEAL_REQUIRE_BROWSER=1) a
/// missing browser or build tool is a failure; elsewhere the test is skipped
/// with a notice.
fn required() -> bool {
    std::env::var_os("TGSEAL_REQUIRE_BROWSER").is_some_and(|v| v != "0")
}

fn missing(what: &str) -> Option<Browser> {
    assert!(
        !required(),
        "{what} (TGSEAL_REQUIRE_BROWSER is set: .ci/run installs chromium, chromium-driver and wasm-bindgen-cli)"
    );
    eprintln!("skipped: {what}");
    None
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Builds web/dist/ once per test process (web/build.sh; fast when nothing
/// changed). Err: why it could not.
fn build_web() -> Result<PathBuf, String> {
    static BUILT: Mutex<Option<Result<PathBuf, String>>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(result) = built.as_ref() {
        return result.clone();
    }
    let result = (|| {
        if find_program(&["wasm-bindgen"]).is_none() {
            return Err("wasm-bindgen CLI not found (see web/build.sh)".to_owned());
        }
        run_build_sh(&[])?;
        Ok(web_dir().join("dist"))
    })();
    *built = Some(result.clone());
    result
}

/// Builds the web app with the benchmark's measurement calls
/// (`TGSEAL_WEB_FEATURES=bench`, web/src/bench.rs) into `dist`, never into
/// web/dist/. Err: why it could not.
pub fn build_bench_dist(dist: &Path) -> Result<(), String> {
    run_build_sh(&[
        ("TGSEAL_WEB_FEATURES", "bench".as_ref()),
        ("TGSEAL_WEB_DIST", dist.as_os_str()),
    ])
}

/// Runs web/build.sh with `env` added. Err: why it failed (its stderr).
fn run_build_sh(env: &[(&str, &std::ffi::OsStr)]) -> Result<(), String> {
    let out = Command::new("bash")
        .arg(web_dir().join("build.sh"))
        .envs(env.iter().copied())
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "web/build.sh failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// A static file server for one folder on 127.0.0.1, logging every request.
pub struct Server {
    origin: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Serves `root` on a free port, one thread per connection.
    pub fn start(root: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (root, log) = (root.to_path_buf(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (root, log) = (root.clone(), log.clone());
                std::thread::spawn(move || serve(stream, &root, &log));
            }
        });
        Server { origin, requests }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Every request path served so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, root: &Path, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) <= 2 {
            break;
        }
    }
    let path = line.split(' ').nth(1).unwrap_or("/").to_owned();
    log.lock().unwrap().push(path.clone());
    let clean = path.split(['?', '#']).next().unwrap_or("/");
    let relative = if clean == "/" {
        "index.html"
    } else {
        clean.trim_start_matches('/')
    };
    let file = root.join(relative);
    let mut stream = stream;
    let body = if relative.contains("..") {
        None
    } else {
        std::fs::read(&file).ok()
    };
    let head = match &body {
        Some(body) => format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
            mime(relative),
            body.len()
        ),
        None => {
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()
        }
    };
    let _ = stream.write_all(head.as_bytes());
    if let Some(body) = body {
        let _ = stream.write_all(&body);
    }
}

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("webmanifest") => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// One HTTP request to chromedriver; returns the JSON body.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(600)))
        .map_err(|e| e.to_string())?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    // chromedriver may keep the connection open: read by Content-Length.
    let mut reader = BufReader::new(stream);
    let mut length = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Err("connection closed in the HTTP header".to_owned());
        }
        let line = line.trim_end().to_ascii_lowercase();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("content-length:") {
            length = value.trim().parse::<usize>().ok();
        }
        chunked |= line.starts_with("transfer-encoding:") && line.contains("chunked");
    }
    let mut content = Vec::new();
    if let Some(length) = length {
        content.resize(length, 0);
        reader.read_exact(&mut content).map_err(|e| e.to_string())?;
    } else {
        reader
            .read_to_end(&mut content)
            .map_err(|e| e.to_string())?;
        if chunked {
            content = dechunk(&content);
        }
    }
    serde_json::from_slice(&content)
        .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&content)))
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
    out
}

/// Headless Chromium under chromedriver, with one WebDriver session, a
/// fresh profile and its own download folder.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    /// Where the browser saves downloads.
    pub downloads: tempfile::TempDir,
    _profile: tempfile::TempDir,
    /// The web app's server.
    pub server: Server,
}

/// A WebDriver element reference.
#[derive(Clone, Debug)]
pub struct Element(Value);

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    /// Builds the web app, serves it and starts the browser at `width` ×
    /// `height`; `None` (skipped, with a notice) when something is missing
    /// outside CI.
    pub fn start(width: u32, height: u32) -> Option<Browser> {
        let Some(chromium) = find_program(&["chromium", "chromium-browser", "google-chrome"])
        else {
            return missing("chromium not found (apt-get install chromium chromium-driver)");
        };
        let Some(chromedriver) = find_program(&["chromedriver"]) else {
            return missing("chromedriver not found (apt-get install chromium-driver)");
        };
        let dist = match build_web() {
            Ok(dist) => dist,
            Err(why) => return missing(&why),
        };
        Some(Browser::start_serving(
            width,
            height,
            &dist,
            chromium,
            chromedriver,
        ))
    }

    /// [`Browser::start`] on another build of the web app (`dist`).
    pub fn start_with(width: u32, height: u32, dist: &Path) -> Option<Browser> {
        let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"])?;
        let chromedriver = find_program(&["chromedriver"])?;
        Some(Browser::start_serving(
            width,
            height,
            dist,
            chromium,
            chromedriver,
        ))
    }

    fn start_serving(
        width: u32,
        height: u32,
        dist: &Path,
        chromium: PathBuf,
        chromedriver: PathBuf,
    ) -> Browser {
        let server = Server::start(dist);
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let ready = crate::wait_until(100, Duration::from_millis(100), || {
            http(port, "GET", "/status", None).is_ok_and(|v| v["value"]["ready"] == true)
        });
        assert!(ready, "chromedriver did not start");
        let downloads = tempfile::tempdir().unwrap();
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},{height}"),
                ],
                "prefs": {
                    "download.default_directory": downloads.path(),
                    "download.prompt_for_download": false,
                },
            },
            "goog:loggingPrefs": { "performance": "ALL", "browser": "ALL" },
        }}});
        let created = http(port, "POST", "/session", Some(&caps)).unwrap();
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_owned();
        let browser = Browser {
            driver,
            port,
            session,
            downloads,
            _profile: profile,
            server,
        };
        // The window cannot be narrower than about 500 px: emulate the
        // screen instead (a phone's, touch included, below 600 px).
        browser.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600 }),
        );
        if width < 600 {
            browser.cdp(
                "Emulation.setTouchEmulationEnabled",
                json!({ "enabled": true, "maxTouchPoints": 5 }),
            );
        }
        // Downloads in headless mode go where the test looks.
        browser.cdp(
            "Browser.setDownloadBehavior",
            json!({ "behavior": "allow", "downloadPath": browser.downloads.path() }),
        );
        browser
    }

    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("/session/{}{path}", self.session);
        let reply = http(self.port, method, &url, body.as_ref()).unwrap();
        if let Some(error) = reply["value"].get("error") {
            panic!(
                "WebDriver {method} {path}: {error}: {}",
                reply["value"]["message"]
            );
        }
        reply["value"].clone()
    }

    /// A Chrome DevTools Protocol command through chromedriver.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.command(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": cmd, "params": params })),
        )
    }

    /// The Web Workers running in the browser (Chrome's targets of type
    /// "worker"), by URL: the page's worker, and its helpers, which have no
    /// URL there (a worker started them).
    pub fn workers(&self) -> Vec<String> {
        let targets = self.cdp("Target.getTargets", json!({}));
        targets["targetInfos"]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter(|t| t["type"] == "worker")
                    .map(|t| t["url"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Opens the app and waits until its worker is ready.
    pub fn open_app(&self) {
        self.command(
            "POST",
            "/url",
            Some(json!({ "url": format!("{}/", self.server.origin()) })),
        );
        self.wait_for("document.body.dataset.ready === 'true'", 60);
    }

    /// Loads `url` in the tab (no waiting beyond the load itself).
    pub fn visit(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs `script` (a function body) with `args`; returns its value.
    pub fn js(&self, script: &str, args: Value) -> Value {
        self.command(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Runs an async `script` whose last argument is its callback.
    pub fn js_async(&self, script: &str, args: Value) -> Value {
        self.command(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Waits until the expression `condition` is true, at most `seconds`.
    pub fn wait_for(&self, condition: &str, seconds: u64) {
        let started = Instant::now();
        let script = format!("return !!({condition});");
        while started.elapsed() < Duration::from_secs(seconds) {
            if self.js(&script, json!([])) == json!(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {condition}");
    }

    fn element(&self, value: Value, what: &str) -> Element {
        assert!(value.get(ELEMENT_KEY).is_some(), "no element {what}");
        Element(value)
    }

    /// The form control whose `<label>` says exactly `label`.
    pub fn by_label(&self, label: &str) -> Element {
        let found = self.js(
            "const l = [...document.querySelectorAll('label')].find(l => l.textContent.trim() === arguments[0]);
             return l ? (l.control || document.getElementById(l.htmlFor)) : null;",
            json!([label]),
        );
        self.element(found, label)
    }

    /// The visible button (or tab) whose text is exactly `text`.
    pub fn button(&self, text: &str) -> Element {
        let found = self.js(
            "return [...document.querySelectorAll('button, [role=button], [role=tab]')]
               .find(b => b.textContent.trim() === arguments[0] && b.offsetParent !== null) || null;",
            json!([text]),
        );
        self.element(found, text)
    }

    /// The element matching a CSS selector.
    pub fn css(&self, selector: &str) -> Element {
        let found = self.js(
            "return document.querySelector(arguments[0]);",
            json!([selector]),
        );
        self.element(found, selector)
    }

    /// Clicks an element.
    pub fn click(&self, element: &Element) {
        let id = element.0[ELEMENT_KEY].as_str().unwrap();
        self.command("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Types `text` into an element (for a file input: paths, one a line).
    pub fn type_into(&self, element: &Element, text: &str) {
        let id = element.0[ELEMENT_KEY].as_str().unwrap();
        self.command(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Sets a field's value directly (long pasted text, or clearing a file input).
    pub fn set_value(&self, element: &Element, value: &str) {
        self.js(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            json!([element.0, value]),
        );
    }

    /// Chooses `files` in a file input, replacing any earlier choice.
    pub fn choose_files(&self, input: &Element, files: &[PathBuf]) {
        self.set_value(input, "");
        if files.is_empty() {
            return;
        }
        let paths: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        self.type_into(input, &paths.join("\n"));
    }

    /// A PNG screenshot of the viewport.
    pub fn screenshot(&self) -> Vec<u8> {
        use base64::Engine;
        let data = self.command("GET", "/screenshot", None);
        base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap())
            .unwrap()
    }

    /// The performance log since the last call (CDP Network events etc.).
    pub fn performance_log(&self) -> Vec<Value> {
        let entries = self.command("POST", "/se/log", Some(json!({ "type": "performance" })));
        entries
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| serde_json::from_str(e["message"].as_str()?).ok())
            .collect()
    }

    /// Files in the download folder (complete ones only, after `settle`).
    pub fn downloaded(&self, settle: Duration) -> Vec<PathBuf> {
        std::thread::sleep(settle);
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.downloads.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
    }

    /// Waits for `count` finished downloads and returns them.
    pub fn wait_downloads(&self, count: usize, seconds: u64) -> Vec<PathBuf> {
        let started = Instant::now();
        loop {
            let files = self.downloaded(Duration::from_millis(100));
            let done = files.len() == count
                && files.iter().all(|f| {
                    !f.to_string_lossy().ends_with(".crdownload")
                        && !f.to_string_lossy().ends_with(".tmp")
                });
            if done {
                // A finished download is renamed into place once complete.
                return files;
            }
            assert!(
                started.elapsed() < Duration::from_secs(seconds),
                "expected {count} downloads, have {files:?}"
            );
        }
    }

    /// The resident memory of every process of this browser, in bytes;
    /// Linux only.
    pub fn memory(&self) -> u64 {
        (self.memory_sampler())().values().sum()
    }

    /// The resident memory of this browser's processes by role (`browser`,
    /// `renderer` — the page, its worker and its WebAssembly —, `gpu`,
    /// `network`, `storage`, …), as a function another thread can call.
    /// The processes are chromedriver's descendants; Linux only.
    pub fn memory_sampler(&self) -> impl Fn() -> BTreeMap<String, u64> + Send + 'static {
        let driver = self.driver.id();
        move || memory_by_role(driver)
    }
    /// The CPU time (seconds) this browser's processes used so far; Linux only.
    pub fn cpu_seconds(&self) -> f64 {
        cpu_seconds(self.driver.id())
    }

    /// Empties the download folder.
    pub fn clear_downloads(&self) {
        for file in self.downloaded(Duration::ZERO) {
            std::fs::remove_file(file).unwrap();
        }
    }
}

/// What a Chromium process does, from its command line (NUL-separated, or
/// one line once a child process has rewritten its title).
fn role(cmdline: &str) -> String {
    let flag = |name: &str| {
        cmdline
            .split(['\0', ' '])
            .find_map(|arg| arg.strip_prefix(name))
            .map(str::to_owned)
    };
    match flag("--type=").as_deref() {
        None => "browser".to_owned(),
        Some("gpu-process") => "gpu".to_owned(),
        Some("utility") => match flag("--utility-sub-type=").as_deref() {
            Some("network.mojom.NetworkService") => "network".to_owned(),
            Some("storage.mojom.StorageService") => "storage".to_owned(),
            Some(other) => format!("utility {other}"),
            None => "utility".to_owned(),
        },
        Some(other) => other.to_owned(),
    }
}

/// The CPU time (user + system, seconds) `root`'s descendants used so far.
fn cpu_seconds(root: u32) -> f64 {
    // Linux reports it in clock ticks of 1/100 s (USER_HZ on every
    // architecture it runs these tests on).
    descendants(root)
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .filter_map(|stat| {
            // Fields after "(comm)": state is the first, utime the 12th, stime the 13th.
            let rest: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
            Some(rest.get(11)?.parse::<f64>().ok()? + rest.get(12)?.parse::<f64>().ok()?)
        })
        .sum::<f64>()
        / 100.0
}

/// The processes below `root` (not `root` itself).
fn descendants(root: u32) -> Vec<u32> {
    let mut parent = BTreeMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // pid (comm) state ppid …: comm may hold spaces, so split after ')'.
        if let Some(ppid) = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok())
        {
            parent.insert(pid, ppid);
        }
    }
    let descends = |mut pid: u32| {
        while let Some(&up) = parent.get(&pid) {
            if up == root {
                return true;
            }
            if up <= 1 {
                return false;
            }
            pid = up;
        }
        false
    };
    parent
        .keys()
        .copied()
        .filter(|&pid| descends(pid))
        .collect()
}

/// The summed VmRSS of `root`'s descendants (not `root` itself), by role.
fn memory_by_role(root: u32) -> BTreeMap<String, u64> {
    let mut roles = BTreeMap::new();
    for pid in descendants(root) {
        let dir = PathBuf::from(format!("/proc/{pid}"));
        let cmdline = std::fs::read(dir.join("cmdline")).unwrap_or_default();
        let status = std::fs::read_to_string(dir.join("status")).unwrap_or_default();
        if let Some(kib) = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            *roles
                .entry(role(&String::from_utf8_lossy(&cmdline)))
                .or_insert(0) += kib * 1024;
        }
    }
    roles
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = http(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
