//! One window per session. A second `tgseal-gui FILE…` while the app runs (a
//! double-clicked sealed file, "Open with" in a file manager) hands its files
//! to the running window, which lists them and asks to be focused, and exits:
//! the files join the list the user is already working on, with the
//! passphrase already typed, instead of a second window.
//!
//! On Unix the running app listens on a socket in `$XDG_RUNTIME_DIR` (a folder
//! only its user can enter). Without `XDG_RUNTIME_DIR`, on other systems, or
//! when anything about the socket fails, every start opens its own window,
//! as before: the hand-over is a convenience, never a reason not to start.

use std::path::PathBuf;
use std::sync::mpsc::Receiver;

/// Files handed over by later starts, for the running window to list.
pub type Inbox = Receiver<Vec<PathBuf>>;

/// What a start should do.
pub enum Start {
    /// A running window took the files: exit.
    HandedOver,
    /// Open the window; `Some` is where later starts will hand their files.
    Open(Option<Server>),
}

/// Hands `paths` to a running window if there is one, else gets ready to
/// take files from later starts.
pub fn start(paths: &[PathBuf]) -> Start {
    imp::start(paths)
}

pub use imp::Server;

#[cfg(unix)]
mod imp {
    use std::ffi::OsStr;
    use std::io::{self, Read, Write};
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::path::{Path, PathBuf};
    use std::sync::mpsc;
    use std::time::Duration;

    use eframe::egui;

    use super::{Inbox, Start};

    /// The socket's name in `$XDG_RUNTIME_DIR`.
    const SOCKET_NAME: &str = "tgseal-gui.socket";
    /// How long a start waits for the running window to take its files.
    const TIMEOUT: Duration = Duration::from_secs(3);
    /// More than any list of paths a file manager passes: a bound on what
    /// one connection may make the app hold.
    const MAX_MESSAGE: u64 = 1 << 20;

    /// The listening socket of the running window.
    pub struct Server {
        listener: UnixListener,
        path: PathBuf,
    }

    pub fn start(paths: &[PathBuf]) -> Start {
        let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) else {
            return Start::Open(None);
        };
        start_at(&Path::new(&dir).join(SOCKET_NAME), paths)
    }

    pub(super) fn start_at(socket: &Path, paths: &[PathBuf]) -> Start {
        if hand_over(socket, paths).is_ok() {
            return Start::HandedOver;
        }
        match UnixListener::bind(socket) {
            Ok(listener) => Start::Open(Some(Server::new(listener, socket))),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
                // Another start may have bound it just now: try it once more.
                if hand_over(socket, paths).is_ok() {
                    return Start::HandedOver;
                }
                // Nobody answers: a socket left by an app that did not exit
                // normally. Take its place.
                let rebound =
                    std::fs::remove_file(socket).and_then(|()| UnixListener::bind(socket));
                Start::Open(rebound.ok().map(|listener| Server::new(listener, socket)))
            }
            Err(_) => Start::Open(None),
        }
    }

    /// Sends the paths, NUL-separated, and waits for the one-byte reply that
    /// says the running window took them.
    pub(super) fn hand_over(socket: &Path, paths: &[PathBuf]) -> io::Result<()> {
        let mut stream = UnixStream::connect(socket)?;
        stream.set_write_timeout(Some(TIMEOUT))?;
        stream.set_read_timeout(Some(TIMEOUT))?;
        let mut message = Vec::new();
        for path in paths {
            message.extend_from_slice(path.as_os_str().as_bytes());
            message.push(0);
        }
        stream.write_all(&message)?;
        stream.shutdown(std::net::Shutdown::Write)?;
        let mut reply = [0u8; 1];
        stream.read_exact(&mut reply)
    }

    impl Server {
        fn new(listener: UnixListener, path: &Path) -> Self {
            Server {
                listener,
                path: path.to_path_buf(),
            }
        }

        /// Removes the socket when dropped: keep it while the window is open.
        pub fn guard(&self) -> Guard {
            Guard {
                path: self.path.clone(),
            }
        }

        /// Takes files on a thread of its own; each hand-over wakes the
        /// window (`ctx`) and arrives in the returned inbox.
        pub fn serve(self, ctx: egui::Context) -> Inbox {
            let (sender, inbox) = mpsc::channel();
            let listener = self.listener;
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    let Ok(paths) = receive(stream) else { continue };
                    if sender.send(paths).is_err() {
                        break;
                    }
                    ctx.request_repaint();
                }
            });
            inbox
        }
    }

    /// Reads one hand-over and answers it.
    fn receive(mut stream: UnixStream) -> io::Result<Vec<PathBuf>> {
        stream.set_read_timeout(Some(TIMEOUT))?;
        let mut message = Vec::new();
        (&mut stream).take(MAX_MESSAGE).read_to_end(&mut message)?;
        let paths = message
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| PathBuf::from(OsStr::from_bytes(p)))
            .collect();
        stream.write_all(b"+")?;
        Ok(paths)
    }

    /// Removes the socket when the window closes.
    pub struct Guard {
        path: PathBuf,
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use std::path::PathBuf;

    use eframe::egui;

    use super::{Inbox, Start};

    /// Never made: every start opens its own window here.
    pub enum Server {}

    /// Nothing to clean up.
    pub struct Guard;

    pub fn start(_paths: &[PathBuf]) -> Start {
        Start::Open(None)
    }

    impl Server {
        pub fn guard(&self) -> Guard {
            match *self {}
        }

        pub fn serve(self, _ctx: egui::Context) -> Inbox {
            match self {}
        }
    }
}

pub use imp::Guard;

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_second_start_hands_its_files_to_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("s");
        let Start::Open(Some(server)) = imp::start_at(&socket, &[]) else {
            panic!("the first start must open a window and listen");
        };
        let guard = server.guard();
        let inbox = server.serve(eframe::egui::Context::default());

        let files = vec![
            PathBuf::from("/a/b c.tgseal"),
            PathBuf::from("/d/é.tgseal.002"),
        ];
        assert!(matches!(imp::start_at(&socket, &files), Start::HandedOver));
        assert_eq!(inbox.recv_timeout(Duration::from_secs(5)).unwrap(), files);
        // No files: the running window is only brought to the front.
        assert!(matches!(imp::start_at(&socket, &[]), Start::HandedOver));
        assert_eq!(
            inbox.recv_timeout(Duration::from_secs(5)).unwrap(),
            Vec::<PathBuf>::new()
        );

        drop(guard);
        assert!(
            !socket.exists(),
            "the socket is removed when the window closes"
        );
    }

    #[test]
    fn a_stale_socket_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("s");
        // A socket file nobody listens on, as a crashed app leaves it.
        drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
        assert!(socket.exists());
        let Start::Open(Some(server)) = imp::start_at(&socket, &[PathBuf::from("/x")]) else {
            panic!("a stale socket must not stop the app from starting and listening");
        };
        let _guard = server.guard();
        let inbox = server.serve(eframe::egui::Context::default());
        assert!(matches!(
            imp::start_at(&socket, &[PathBuf::from("/y")]),
            Start::HandedOver
        ));
        assert_eq!(
            inbox.recv_timeout(Duration::from_secs(5)).unwrap(),
            vec![PathBuf::from("/y")]
        );
    }
}
