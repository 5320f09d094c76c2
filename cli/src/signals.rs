//! How the process ends on a signal: Ctrl-C (SIGINT), SIGTERM, SIGHUP, and on
//! Windows the console's events (Ctrl-C, Ctrl-Break, a closed window, logoff
//! and shutdown).
//!
//! The first signal asks the job to stop (the shared cancel flag): at the
//! next chunk it removes its temporary files and returns, and the process
//! exits 128 + the signal's number (130, 143, 129). A job that cannot look
//! at the flag in time — deriving a key with Argon2id, waiting on a FIFO
//! without a writer or on standard input, a passphrase prompt — is not
//! waited for: after [`GRACE`] (or at a second signal) this module removes
//! every temporary the process holds and exits itself. SIGKILL cannot be
//! caught; the next tgseal run that writes into that folder removes what it
//! left (`tgseal_workflow::temps`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::Duration;

/// How long a job has to stop by itself after a signal.
pub const GRACE: Duration = Duration::from_millis(500);

/// The exit code of the first signal received (0: none).
static RECEIVED: AtomicU8 = AtomicU8::new(0);
/// Whether a passphrase prompt (terminal echo off) is waiting.
static PROMPTING: AtomicBool = AtomicBool::new(false);

/// The exit code for the signal that stopped the process, if one arrived.
pub fn exit_code() -> Option<u8> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        code => Some(code),
    }
}

/// Starts listening for signals; each sets `flag`. If the handler cannot be
/// installed, a signal ends the process the default way: temporary files
/// then stay until the next run in their folder, but nothing unverified is
/// ever renamed into place.
pub fn install(flag: Arc<AtomicBool>) {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            for signal in signals.forever() {
                on_signal(128 + u8::try_from(signal).unwrap_or(0), &flag);
            }
        });
    }
    #[cfg(windows)]
    console::install(flag);
}

/// Windows' console events, through a handler of our own. `ctrlc` cannot
/// serve here: its handler returns at once, and Windows ends the process as
/// soon as the handler of a closed console (or of logoff or shutdown)
/// returns, before any other thread could remove the temporary files. So
/// this handler removes them itself, before it returns (Windows allows it 5
/// seconds). Files are opened with `FILE_SHARE_DELETE` (Rust's default), so
/// removing one that a job still writes succeeds; it goes when its handle
/// closes, at the latest when the process ends.
///
/// The one place in the workspace with `unsafe` code: registering a
/// handler is a foreign call, and the handler must be an `extern "system"`
/// function. It only reads a `OnceLock` and calls safe Rust.
#[cfg(windows)]
#[allow(unsafe_code)]
mod console {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, OnceLock};

    use windows_sys::Win32::System::Console::{
        CTRL_BREAK_EVENT, CTRL_C_EVENT, CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT,
        SetConsoleCtrlHandler,
    };
    use windows_sys::core::BOOL;

    /// The job's cancel flag, for the handler.
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

    pub fn install(flag: Arc<AtomicBool>) {
        if FLAG.set(flag).is_ok() {
            // SAFETY: `handler` is a plain function living as long as the
            // process; the call only adds it to the console's handler list.
            unsafe { SetConsoleCtrlHandler(Some(handler), 1) };
        }
    }

    /// Runs on a thread Windows starts for each event.
    unsafe extern "system" fn handler(event: u32) -> BOOL {
        let Some(flag) = FLAG.get() else {
            return 0;
        };
        match event {
            // As SIGINT on Unix: the job stops at its next chunk and cleans
            // up; after the grace period the process ends itself.
            CTRL_C_EVENT | CTRL_BREAK_EVENT => {
                super::on_signal(130, flag);
                1
            }
            // The process ends when this returns: clean up first.
            CTRL_CLOSE_EVENT | CTRL_LOGOFF_EVENT | CTRL_SHUTDOWN_EVENT => {
                flag.store(true, Ordering::SeqCst);
                tgseal_workflow::temps::remove_all();
                1
            }
            _ => 0,
        }
    }
}

/// Runs `ask` (a passphrase prompt) so that a signal meanwhile gives the
/// terminal its echo back.
pub fn prompting<T>(ask: impl FnOnce() -> T) -> T {
    PROMPTING.store(true, Ordering::SeqCst);
    let answer = ask();
    PROMPTING.store(false, Ordering::SeqCst);
    answer
}

fn on_signal(code: u8, flag: &AtomicBool) {
    flag.store(true, Ordering::SeqCst);
    if RECEIVED
        .compare_exchange(0, code, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        // A second signal: the user does not want to wait.
        end_now();
    }
    std::thread::spawn(|| {
        std::thread::sleep(GRACE);
        end_now();
    });
}

/// Removes every temporary file and ends the process with the first
/// signal's exit code.
fn end_now() -> ! {
    tgseal_workflow::temps::remove_all();
    if PROMPTING.load(Ordering::SeqCst) {
        restore_echo();
    }
    std::process::exit(i32::from(exit_code().unwrap_or(130)))
}

/// The prompt turned the terminal's echo off and cannot turn it back on
/// from here: `stty echo` on the controlling terminal does.
fn restore_echo() {
    #[cfg(unix)]
    if let Ok(tty) = std::fs::File::open("/dev/tty") {
        let _ = std::process::Command::new("stty")
            .arg("echo")
            .stdin(tty)
            .status();
        eprintln!();
    }
}
