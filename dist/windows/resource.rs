// The Windows resource of a tgseal `.exe`: the app icon (what Explorer, the
// taskbar and "Open with" show for the file itself) and the version
// information (Properties → Details). Included by `cli/build.rs` and
// `gui/build.rs`; a no-op for every other target.
//
// Only the GNU toolchain is built here (dist/windows/build.sh, mingw-w64): its
// resource compiler is `x86_64-w64-mingw32-windres` (or `$WINDRES`). Without
// one the build fails with the reason, rather than ship an `.exe` without an
// icon unnoticed.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Compiles `icon` and `description` into a resource object and links it into
/// the package's binaries, when building for Windows with the GNU toolchain.
/// The error says what is missing (the build script fails with it).
fn embed_windows_resource(icon: &str, description: &str) -> Result<(), String> {
    println!("cargo:rerun-if-changed={icon}");
    println!("cargo:rerun-if-env-changed=WINDRES");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os != "windows" {
        return Ok(());
    }
    if env != "gnu" {
        println!(
            "cargo:warning=no icon resource: only the GNU toolchain's windres is wired up (target env {env})"
        );
        return Ok(());
    }
    let manifest = PathBuf::from(cargo_var("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(cargo_var("OUT_DIR")?);
    let icon = manifest.join(icon);
    let version = cargo_var("CARGO_PKG_VERSION")?;
    let numbers: Vec<u16> = version
        .split(['.', '-', '+'])
        .take(3)
        .map(|n| n.parse().unwrap_or(0))
        .collect();
    let [major, minor, patch] = numbers[..] else {
        return Err(format!("version {version} is not MAJOR.MINOR.PATCH"));
    };
    let name = cargo_var("CARGO_PKG_NAME")?;
    let rc = out.join("tgseal.rc");
    std::fs::write(
        &rc,
        format!(
            r#"1 ICON "{icon}"
1 VERSIONINFO
FILEVERSION {major},{minor},{patch},0
PRODUCTVERSION {major},{minor},{patch},0
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "CompanyName", "tgseal"
      VALUE "FileDescription", "{description}"
      VALUE "FileVersion", "{version}"
      VALUE "InternalName", "{name}"
      VALUE "OriginalFilename", "{name}.exe"
      VALUE "ProductName", "tgseal"
      VALUE "ProductVersion", "{version}"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
"#,
            icon = rc_path(&icon)?,
        ),
    )
    .map_err(|e| format!("cannot write {}: {e}", rc.display()))?;
    let windres = std::env::var("WINDRES").unwrap_or_else(|_| "x86_64-w64-mingw32-windres".into());
    let object = out.join("tgseal-resource.o");
    let status = Command::new(&windres)
        .arg("--input")
        .arg(&rc)
        .arg("--output-format=coff")
        .arg("--output")
        .arg(&object)
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => return Err(format!("{windres} failed ({s}) on {}", rc.display())),
        Err(e) => {
            return Err(format!(
                "cannot run {windres} ({e}): install mingw-w64 (apt-get install mingw-w64) or set WINDRES"
            ));
        }
    }
    // A resource object is linked whole: no symbol pulls it in from a library.
    println!("cargo:rustc-link-arg-bins={}", object.display());
    Ok(())
}

fn cargo_var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|e| format!("{name}: {e} (not run by cargo?)"))
}

/// A path as a resource script string: forward slashes (windres takes them on
/// every host), quotes refused.
fn rc_path(path: &Path) -> Result<String, String> {
    let shown = path.display().to_string().replace('\\', "/");
    if shown.contains('"') {
        return Err(format!("a quote in the icon path: {shown}"));
    }
    Ok(shown)
}
