//! What the app asks of the desktop around it: file dialogs, showing a file
//! in its folder, and handing sealed files to Telegram Desktop. Each of them
//! can be missing on a Linux machine (no desktop portal, no zenity, no file
//! manager), so each says what happened instead of failing silently, and
//! every program started here is waited for, never left as a zombie.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::Sender;

use tgseal_workflow::telegram::{Search, Telegram};

/// The parts of the environment the desktop helpers read: where programs
/// are found, and whether a desktop portal answers. The app reads the real
/// environment; tests give their own (a private `PATH` with fake programs).
#[derive(Clone, Debug)]
pub struct DesktopEnv {
    /// The `PATH` to find zenity, kdialog, dbus-send, xdg-open and Telegram
    /// Desktop along.
    pub path: Option<OsString>,
    /// Whether a desktop portal (org.freedesktop.portal.Desktop) is on the
    /// session bus; `None`: ask the bus.
    pub portal: Option<bool>,
    /// Where to look for Telegram Desktop.
    pub telegram: Search,
}

impl DesktopEnv {
    /// This process's environment.
    pub fn from_env() -> Self {
        DesktopEnv {
            path: std::env::var_os("PATH"),
            portal: None,
            telegram: Search::from_env(),
        }
    }

    /// Only what is on `path`: no portal, Telegram Desktop only on `path`.
    pub fn path_only(path: impl Into<OsString>) -> Self {
        let path = path.into();
        DesktopEnv {
            telegram: Search::path_only(path.clone()),
            path: Some(path),
            portal: Some(false),
        }
    }

    /// The program `name` on [`DesktopEnv::path`].
    fn program(&self, name: &str) -> Option<PathBuf> {
        let path = self.path.as_ref()?;
        std::env::split_paths(path)
            .filter(|dir| !dir.as_os_str().is_empty())
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    }

    /// Whether a desktop portal answers on the session bus (running, or
    /// started on demand).
    fn has_portal(&self) -> bool {
        if let Some(portal) = self.portal {
            return portal;
        }
        let Some(dbus_send) = self.program("dbus-send") else {
            return false;
        };
        ["ListNames", "ListActivatableNames"].iter().any(|method| {
            Command::new(&dbus_send)
                .args([
                    "--session",
                    "--print-reply",
                    "--reply-timeout=2000",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                ])
                .arg(format!("org.freedesktop.DBus.{method}"))
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .output()
                .is_ok_and(|out| {
                    out.status.success()
                        && String::from_utf8_lossy(&out.stdout)
                            .contains("\"org.freedesktop.portal.Desktop\"")
                })
        })
    }
}

/// What a dialog is to pick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// One or more files.
    Files,
    /// One file.
    File,
    /// One folder.
    Folder,
}

/// How a dialog ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Picked {
    /// These paths.
    Chosen(Vec<PathBuf>),
    /// The user closed the dialog without choosing.
    Cancelled,
    /// No dialog could be shown; the reason, for the user.
    NoDialog(String),
}

/// Why no dialog could be shown on this desktop.
pub const NO_DIALOG: &str = "No file dialog is available here (no desktop portal, zenity or \
                             kdialog was found). Type or paste the path instead.";

/// Shows a file dialog: the desktop portal (through rfd, which also tries
/// zenity), else zenity, else kdialog. Modal: the window waits for it.
pub fn pick(env: &DesktopEnv, what: Pick, title: &str) -> Picked {
    if !cfg!(target_os = "linux") || env.has_portal() {
        return with_rfd(what, title);
    }
    if let Some(zenity) = env.program("zenity")
        && let Some(picked) = run_dialog(zenity_command(&zenity, what, title))
    {
        return picked;
    }
    if let Some(kdialog) = env.program("kdialog")
        && let Some(picked) = run_dialog(kdialog_command(&kdialog, what, title))
    {
        return picked;
    }
    Picked::NoDialog(NO_DIALOG.into())
}

fn with_rfd(what: Pick, title: &str) -> Picked {
    let dialog = rfd::FileDialog::new().set_title(title);
    let chosen = match what {
        Pick::Files => dialog.pick_files(),
        Pick::File => dialog.pick_file().map(|p| vec![p]),
        Pick::Folder => dialog.pick_folder().map(|p| vec![p]),
    };
    match chosen {
        Some(paths) if !paths.is_empty() => Picked::Chosen(paths),
        _ => Picked::Cancelled,
    }
}

fn zenity_command(zenity: &Path, what: Pick, title: &str) -> Command {
    let mut command = Command::new(zenity);
    command.args(["--file-selection", "--title", title]);
    match what {
        Pick::Files => {
            command.args(["--multiple", "--separator", "\n"]);
        }
        Pick::Folder => {
            command.arg("--directory");
        }
        Pick::File => {}
    }
    command
}

fn kdialog_command(kdialog: &Path, what: Pick, title: &str) -> Command {
    let mut command = Command::new(kdialog);
    command.args(["--title", title]);
    let start = std::env::var_os("HOME").unwrap_or_else(|| ".".into());
    match what {
        Pick::Files => {
            command
                .arg("--getopenfilename")
                .arg(&start)
                .args(["--multiple", "--separate-output"]);
        }
        Pick::File => {
            command.arg("--getopenfilename").arg(&start);
        }
        Pick::Folder => {
            command.arg("--getexistingdirectory").arg(&start);
        }
    }
    command
}

/// Runs a zenity or kdialog dialog to its end (so it is reaped). Both print
/// the chosen paths one per line and exit with 0, or exit with 1 when
/// cancelled; anything else means the dialog did not work (`None`).
fn run_dialog(mut command: Command) -> Option<Picked> {
    let out = command
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    match out.status.code() {
        Some(0) => {
            let paths = paths_from_lines(&String::from_utf8_lossy(&out.stdout));
            Some(if paths.is_empty() {
                Picked::Cancelled
            } else {
                Picked::Chosen(paths)
            })
        }
        Some(1) => Some(Picked::Cancelled),
        _ => None,
    }
}

/// Paths typed or printed one per line; blank lines are skipped, and `~/`
/// stands for the home folder.
pub fn paths_from_lines(text: &str) -> Vec<PathBuf> {
    let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" });
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| match (line.strip_prefix("~/"), &home) {
            (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
            _ => PathBuf::from(line),
        })
        .collect()
}

/// A message from a helper thread for the window's notice line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// What happened, in words.
    pub text: String,
    /// Whether it went wrong.
    pub is_error: bool,
}

/// Opens the folder holding `path` in the file manager, selecting it where
/// the file manager can (org.freedesktop.FileManager1), else opens the folder
/// with xdg-open. Off the UI thread; says how it went through `report` (a
/// success only when `announce` is set).
pub fn reveal(
    env: &DesktopEnv,
    path: PathBuf,
    shown: String,
    report: Sender<Report>,
    announce: bool,
) {
    let env = env.clone();
    let spawned = std::thread::Builder::new()
        .name("tgseal-reveal".into())
        .spawn(move || {
            let said = match reveal_now(&env, &path) {
                Ok(()) if !announce => return,
                Ok(()) => Report {
                    text: format!("Showing {shown} in the file manager."),
                    is_error: false,
                },
                Err(why) => Report {
                    text: format!("Cannot show the folder: {why}. The file is at {shown}."),
                    is_error: true,
                },
            };
            let _ = report.send(said);
        });
    if let Err(err) = spawned {
        eprintln!("tgseal-gui: cannot start a thread to show the folder: {err}");
    }
}

#[cfg(target_os = "linux")]
fn reveal_now(env: &DesktopEnv, path: &Path) -> Result<(), String> {
    let path = std::path::absolute(path).map_err(|e| e.to_string())?;
    if let Some(dbus_send) = env.program("dbus-send") {
        let uri = file_uri(&path);
        let shown = Command::new(dbus_send)
            .args([
                "--session",
                "--print-reply",
                "--reply-timeout=5000",
                "--dest=org.freedesktop.FileManager1",
                "/org/freedesktop/FileManager1",
                "org.freedesktop.FileManager1.ShowItems",
            ])
            .arg(format!("array:string:{uri}"))
            .arg("string:")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if shown.is_ok_and(|s| s.success()) {
            return Ok(());
        }
    }
    let Some(xdg_open) = env.program("xdg-open") else {
        return Err("no file manager answered and xdg-open was not found".into());
    };
    let folder = tgseal_workflow::files::parent_dir(&path);
    // Waited for: xdg-open hands the folder to the file manager and exits.
    let status = Command::new(xdg_open)
        .arg(folder)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("xdg-open did not start ({e})"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("xdg-open found no program for folders ({status})"))
    }
}

#[cfg(not(target_os = "linux"))]
fn reveal_now(_env: &DesktopEnv, path: &Path) -> Result<(), String> {
    opener::reveal(path).map_err(|e| e.to_string())
}

/// `file://` and the path, percent-encoded as a URI needs.
#[cfg(target_os = "linux")]
fn file_uri(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut uri = String::from("file://");
    for &byte in path.as_os_str().as_bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// Hands `files` to Telegram Desktop (its share dialog opens); when it is
/// not found or does not start, shows the first file in its folder instead
/// and says why. Returns what to tell the user now.
pub fn send_to_telegram(
    env: &DesktopEnv,
    files: &[PathBuf],
    shown: String,
    report: Sender<Report>,
) -> Report {
    let why = match env.telegram.find() {
        Ok(telegram) => match telegram.send(files) {
            Ok(()) => return sent_report(&telegram, files.len()),
            Err(err) => format!("{} did not start ({err})", telegram.describe()),
        },
        Err(not_found) => not_found.to_string(),
    };
    if let Some(first) = files.first() {
        // Its success is already said below; only a failure is reported.
        reveal(env, first.clone(), shown, report, false);
    }
    Report {
        text: format!("{why}. Showing the file in its folder instead: send it from Telegram."),
        is_error: true,
    }
}

fn sent_report(telegram: &Telegram, count: usize) -> Report {
    let files = if count == 1 {
        "the sealed file".to_owned()
    } else {
        format!("{count} files")
    };
    Report {
        text: format!(
            "Handed {files} to {}: pick the chat in its window.",
            telegram.describe()
        ),
        is_error: false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn typed_paths_one_per_line() {
        let paths = paths_from_lines("  /a/b.txt \n\n/c d/e\n");
        assert_eq!(paths, [PathBuf::from("/a/b.txt"), PathBuf::from("/c d/e")]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn file_uris_are_percent_encoded() {
        assert_eq!(
            file_uri(Path::new("/home/a b/r%.pdf")),
            "file:///home/a%20b/r%25.pdf"
        );
    }
}
