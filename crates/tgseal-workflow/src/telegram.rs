//! Handing sealed files to Telegram Desktop, so that sealing and sending are
//! one motion. `Telegram -sendpath FILE…` opens Telegram's own share dialog
//! with the files attached; the user picks the chat there. Every front end
//! (`tgseal encrypt --send`, the desktop app's "Send with Telegram") finds
//! the program and builds the call here.
//!
//! How Telegram Desktop reads the option (tdesktop, `core/launcher.cpp`,
//! `Launcher::processArguments`): `-sendpath` takes *all the arguments left*
//! as paths, each cut at 8192 characters, so it comes last and several files
//! go in one call. When Telegram already runs, the new process passes the
//! paths to it over its local socket and exits (`core/sandbox.cpp`). A path
//! beginning with `interpret://` means something else to it; the absolute
//! paths given here never do.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The Flatpak application ID of Telegram Desktop (Flathub).
pub const FLATPAK_ID: &str = "org.telegram.desktop";

/// The names Telegram Desktop's program has on `PATH` (distribution
/// packages and the Snap install `telegram-desktop`; the official build is
/// `Telegram`).
pub const PROGRAM_NAMES: [&str; 2] = ["telegram-desktop", "Telegram"];

/// An environment variable naming the Telegram Desktop program to use, for
/// an install in an unusual place. Checked first.
pub const PROGRAM_ENV: &str = "TGSEAL_TELEGRAM";

/// The longest path Telegram Desktop reads whole (longer ones it cuts).
const MAX_PATH_CHARS: usize = 8192;

/// What the search for Telegram Desktop reads from the environment. Built
/// from the process's environment by [`Search::from_env`]; tests build their
/// own (a fake `telegram-desktop` on a private `PATH`).
#[derive(Clone, Debug, Default)]
pub struct Search {
    /// [`PROGRAM_ENV`]: this program, if set.
    pub program: Option<PathBuf>,
    /// The `PATH` to look along.
    pub path: Option<OsString>,
    /// The home folder (`~/Applications`, per-user Flatpak installs).
    pub home: Option<PathBuf>,
    /// Windows: `%APPDATA%` and `%LOCALAPPDATA%`, where the installer puts it.
    pub app_data: Vec<PathBuf>,
    /// Flatpak installations to look in (`/var/lib/flatpak`,
    /// `~/.local/share/flatpak`).
    pub flatpak_installations: Vec<PathBuf>,
}

impl Search {
    /// The search in this process's environment.
    pub fn from_env() -> Self {
        let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        let mut flatpak_installations = vec![PathBuf::from("/var/lib/flatpak")];
        if let Some(data) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
            flatpak_installations.push(PathBuf::from(data).join("flatpak"));
        } else if let Some(home) = &home {
            flatpak_installations.push(home.join(".local/share/flatpak"));
        }
        Search {
            program: std::env::var_os(PROGRAM_ENV)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from),
            path: std::env::var_os("PATH"),
            home,
            app_data: ["APPDATA", "LOCALAPPDATA"]
                .into_iter()
                .filter_map(std::env::var_os)
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
                .collect(),
            flatpak_installations,
        }
    }

    /// A search along `path` only (no usual locations, no Flatpak).
    pub fn path_only(path: impl Into<OsString>) -> Self {
        Search {
            path: Some(path.into()),
            ..Search::default()
        }
    }

    /// Finds Telegram Desktop: [`PROGRAM_ENV`], then [`PROGRAM_NAMES`] on
    /// `PATH`, then where its installers put it on this system, then the
    /// Flatpak [`FLATPAK_ID`] (with `flatpak` on `PATH`).
    pub fn find(&self) -> Result<Telegram, NotFound> {
        if let Some(program) = &self.program {
            return if program.is_file() {
                Ok(Telegram::Program(program.clone()))
            } else {
                Err(NotFound {
                    named: Some(program.clone()),
                })
            };
        }
        let on_path = PROGRAM_NAMES
            .iter()
            .find_map(|name| self.on_path(OsStr::new(name)));
        if let Some(program) = on_path {
            return Ok(Telegram::Program(program));
        }
        if let Some(program) = self.usual_locations().into_iter().find(|p| p.is_file()) {
            return Ok(Telegram::Program(program));
        }
        let installed = self
            .flatpak_installations
            .iter()
            .any(|dir| dir.join("app").join(FLATPAK_ID).is_dir());
        if installed && let Some(flatpak) = self.on_path(OsStr::new("flatpak")) {
            return Ok(Telegram::Flatpak { flatpak });
        }
        Err(NotFound { named: None })
    }

    /// The program `name` in a folder of `PATH`, if it is there.
    fn on_path(&self, name: &OsStr) -> Option<PathBuf> {
        let path = self.path.as_ref()?;
        std::env::split_paths(path)
            .filter(|dir| !dir.as_os_str().is_empty())
            .flat_map(|dir| {
                let plain = dir.join(name);
                let exe = cfg!(windows).then(|| plain.with_extension("exe"));
                std::iter::once(plain).chain(exe)
            })
            .find(|candidate| is_program(candidate))
    }

    /// Where Telegram Desktop's own installers put it on this system.
    fn usual_locations(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        if cfg!(windows) {
            for dir in &self.app_data {
                found.push(dir.join("Telegram Desktop").join("Telegram.exe"));
                found.push(
                    dir.join("Programs")
                        .join("Telegram Desktop")
                        .join("Telegram.exe"),
                );
            }
        } else if cfg!(target_os = "macos") {
            let bundle = Path::new("Telegram Desktop.app/Contents/MacOS/Telegram");
            found.push(Path::new("/Applications").join(bundle));
            if let Some(home) = &self.home {
                found.push(home.join("Applications").join(bundle));
            }
        } else {
            // The official tarball runs from wherever it was unpacked; these
            // are the places its instructions and most users choose.
            found.push(PathBuf::from("/opt/telegram/Telegram"));
            found.push(PathBuf::from("/opt/Telegram/Telegram"));
            found.push(PathBuf::from("/snap/bin/telegram-desktop"));
            if let Some(home) = &self.home {
                found.push(home.join("Telegram/Telegram"));
                found.push(home.join(".local/share/TelegramDesktop/Telegram"));
                found.push(home.join("Applications/Telegram/Telegram"));
            }
        }
        found
    }
}

#[cfg(unix)]
fn is_program(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_program(path: &Path) -> bool {
    path.is_file()
}

/// Telegram Desktop was not found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotFound {
    /// The program [`PROGRAM_ENV`] named, when that is what is missing.
    pub named: Option<PathBuf>,
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.named {
            Some(program) => write!(
                f,
                "Telegram Desktop was not found at {} (named by {PROGRAM_ENV})",
                program.display()
            ),
            None => write!(
                f,
                "Telegram Desktop was not found (looked for telegram-desktop and Telegram \
                 on PATH, in its usual install folders, and for the Flatpak {FLATPAK_ID}); \
                 install it from desktop.telegram.org, or set {PROGRAM_ENV} to its program"
            ),
        }
    }
}

impl std::error::Error for NotFound {}

/// How to start Telegram Desktop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Telegram {
    /// This program (on `PATH`, in an install folder, or named by [`PROGRAM_ENV`]).
    Program(PathBuf),
    /// The Flatpak, through `flatpak run --file-forwarding`: the sandbox sees
    /// only what the document portal exports, and file forwarding exports
    /// exactly the files handed over (read-only), wherever they are.
    Flatpak {
        /// The `flatpak` program.
        flatpak: PathBuf,
    },
}

impl Telegram {
    /// Finds Telegram Desktop in this process's environment.
    pub fn find() -> Result<Telegram, NotFound> {
        Search::from_env().find()
    }

    /// The command that hands `files` over. Paths are made absolute (the
    /// running Telegram has its own working folder); a path too long for
    /// Telegram to read whole is refused.
    pub fn command(&self, files: &[PathBuf]) -> std::io::Result<Command> {
        let mut paths = Vec::with_capacity(files.len());
        for file in files {
            let path = std::path::absolute(file)?;
            if path.as_os_str().len() > MAX_PATH_CHARS {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!(
                        "{} is too long a path for Telegram Desktop to read",
                        crate::files::parent_dir(&path).display()
                    ),
                ));
            }
            paths.push(path);
        }
        let mut command = match self {
            Telegram::Program(program) => {
                let mut command = Command::new(program);
                // Last: -sendpath takes every argument after it.
                command.arg("-sendpath").args(&paths);
                command
            }
            Telegram::Flatpak { flatpak } => {
                let mut command = Command::new(flatpak);
                command
                    .args(["run", "--file-forwarding", FLATPAK_ID, "-sendpath", "@@"])
                    .args(&paths)
                    .arg("@@");
                command
            }
        };
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        Ok(command)
    }

    /// Starts Telegram Desktop with `files` in its share dialog. Returns once
    /// it started; a thread waits for the process (it may be Telegram itself,
    /// running for hours) so that it never lingers as a zombie.
    pub fn send(&self, files: &[PathBuf]) -> std::io::Result<()> {
        if files.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "nothing to send",
            ));
        }
        let mut child = self.command(files)?.spawn()?;
        std::thread::Builder::new()
            .name("tgseal-telegram".into())
            .spawn(move || {
                let _ = child.wait();
            })?;
        Ok(())
    }

    /// Which Telegram Desktop this is, in words.
    pub fn describe(&self) -> String {
        match self {
            Telegram::Program(program) => format!("Telegram Desktop ({})", program.display()),
            Telegram::Flatpak { .. } => format!("Telegram Desktop (Flatpak {FLATPAK_ID})"),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn fake_program(dir: &Path, name: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn found_on_path_under_either_name() {
        let dir = tempfile::tempdir().unwrap();
        let search = Search::path_only(dir.path());
        assert_eq!(search.find(), Err(NotFound { named: None }));
        // Not executable: not a program.
        std::fs::write(dir.path().join("telegram-desktop"), "").unwrap();
        assert!(search.find().is_err());
        let official = fake_program(dir.path(), "Telegram");
        assert_eq!(search.find(), Ok(Telegram::Program(official)));
        let packaged = fake_program(dir.path(), "telegram-desktop");
        assert_eq!(search.find(), Ok(Telegram::Program(packaged)));
    }

    #[test]
    fn found_as_a_flatpak_with_flatpak_on_path() {
        let bin = tempfile::tempdir().unwrap();
        let installation = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(installation.path().join("app").join(FLATPAK_ID)).unwrap();
        let search = Search {
            flatpak_installations: vec![installation.path().to_path_buf()],
            ..Search::path_only(bin.path())
        };
        assert!(search.find().is_err(), "no flatpak program, no Flatpak");
        let flatpak = fake_program(bin.path(), "flatpak");
        let found = search.find().unwrap();
        assert_eq!(found, Telegram::Flatpak { flatpak });
        let command = found.command(&[PathBuf::from("/tmp/a b.tgseal")]).unwrap();
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(
            args,
            [
                "run",
                "--file-forwarding",
                FLATPAK_ID,
                "-sendpath",
                "@@",
                "/tmp/a b.tgseal",
                "@@"
            ]
        );
    }

    #[test]
    fn sendpath_comes_last_with_every_file_absolute() {
        let telegram = Telegram::Program(PathBuf::from("/usr/bin/telegram-desktop"));
        let command = telegram
            .command(&[PathBuf::from("/d/x.tgseal.001"), PathBuf::from("y.tgseal")])
            .unwrap();
        let args: Vec<_> = command.get_args().map(PathBuf::from).collect();
        let here = std::env::current_dir().unwrap();
        assert_eq!(
            args,
            [
                PathBuf::from("-sendpath"),
                PathBuf::from("/d/x.tgseal.001"),
                here.join("y.tgseal")
            ]
        );
        let long = PathBuf::from(format!("/{}", "a".repeat(MAX_PATH_CHARS)));
        assert!(telegram.command(&[long]).is_err());
    }

    #[test]
    fn a_named_program_that_is_missing_is_named_in_the_error() {
        let search = Search {
            program: Some(PathBuf::from("/nowhere/Telegram")),
            ..Search::default()
        };
        let err = search.find().unwrap_err();
        assert!(err.to_string().contains("/nowhere/Telegram"), "{err}");
        let plain = Search::default().find().unwrap_err().to_string();
        assert!(
            plain.contains("telegram-desktop") && plain.contains(FLATPAK_ID),
            "{plain}"
        );
    }
}
