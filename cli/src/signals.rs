//! How the process ends on a signal: Ctrl-C (SIGINT), SIGTERM, SIGHUP, and on
//! Windows the console's events (Ctrl-C, Ctrl-Break, a closed window).
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
    {
        // Windows ends the process soon after a closed console's event,
        // whatever the handler does: the next run cleans what it left.
        let _ = ctrlc::set_handler(move || on_signal(130, &flag));
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
