//! The Windows `.exe` gets its icon and version information
//! (`dist/windows/resource.rs`); nothing happens for other targets.

include!("../dist/windows/resource.rs");

fn main() -> Result<(), String> {
    embed_windows_resource(
        "../dist/windows/tgseal.ico",
        "tgseal: encrypt files before you share them on Telegram",
    )
}
