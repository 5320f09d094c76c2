//! `tgseal-gui`: builds the window options and starts the app; nothing else.

// A Windows GUI program: no console window next to the app when it is started
// from Explorer (a double-clicked .tgseal file, the Start menu).
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::path::PathBuf;

use eframe::egui;
use tgseal_gui::{Hooks, TgsealApp, instance};

/// Chooses the renderer: `wgpu` (Vulkan, else OpenGL, through wgpu) or `glow`
/// (OpenGL directly). Both run on software rasterizers (lavapipe, llvmpipe).
const RENDERER_ENV: &str = "TGSEAL_RENDERER";

/// The window's icon (title bar, task bar); the same picture the packages
/// install (dist/icons/).
const ICON_PNG: &[u8] = include_bytes!("../../dist/icons/hicolor/128x128/apps/tgseal.png");

fn main() -> eframe::Result {
    let chosen = std::env::var(RENDERER_ENV).ok();
    let renderer = match chosen.as_deref() {
        Some("glow") => eframe::Renderer::Glow,
        _ => eframe::Renderer::Wgpu,
    };
    // `tgseal-gui FILE…` (e.g. "Open with" in a file manager) starts with FILEs listed.
    let paths: Vec<PathBuf> = std::env::args_os()
        .skip(1)
        .map(PathBuf::from)
        .map(|p| std::path::absolute(&p).unwrap_or(p))
        .collect();
    // While the app runs, a new start hands its files to that window.
    let mut server = match instance::start(&paths) {
        instance::Start::HandedOver => return Ok(()),
        instance::Start::Open(server) => server,
    };
    // The socket file goes when main returns.
    let _guard = server.as_ref().map(instance::Server::guard);
    let result = run(renderer, &paths, &mut server);
    // eframe has no fallback of its own: if wgpu found no usable adapter and the
    // user did not ask for it by name, try plain OpenGL once.
    if let Err(err) = &result
        && renderer == eframe::Renderer::Wgpu
        && chosen.is_none()
    {
        eprintln!("tgseal-gui: the wgpu renderer failed ({err}); trying OpenGL (glow)");
        return run(eframe::Renderer::Glow, &paths, &mut server);
    }
    result
}

/// Opens the window with `paths` listed; later starts hand their files over
/// through `server` (taken when the window opens; kept if it did not).
fn run(
    renderer: eframe::Renderer,
    paths: &[PathBuf],
    server: &mut Option<instance::Server>,
) -> eframe::Result {
    let mut viewport = egui::ViewportBuilder::default();
    if let Ok(icon) = eframe::icon_data::from_png_bytes(ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        renderer,
        viewport: viewport
            .with_title("tgseal")
            .with_app_id("tgseal")
            .with_inner_size([960.0, 640.0])
            .with_min_inner_size([720.0, 480.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "tgseal",
        options,
        Box::new(|cc| {
            let mut app = TgsealApp::new(cc, Hooks::default());
            if let Some(server) = server.take() {
                app = app.with_inbox(server.serve(cc.egui_ctx.clone()));
            }
            app.add_paths(paths.iter().cloned());
            Ok(Box::new(app))
        }),
    )
}
