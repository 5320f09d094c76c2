#!/usr/bin/env bash
# System packages the desktop app's tests need on a fresh Debian 12 / Ubuntu machine.
# Building needs none (winit loads X11/Wayland and wgpu loads Vulkan/OpenGL at run
# time); the snapshot tests render on the CPU through wgpu, which needs a Vulkan
# (lavapipe) or OpenGL/EGL (llvmpipe) software driver from Mesa.
#
# Called by .ci/run; safe to run again (apt-get skips what is installed).
set -euo pipefail

packages=(
    mesa-vulkan-drivers # lavapipe: Vulkan on the CPU (what the snapshots render with)
    libvulkan1          # the Vulkan loader
    libegl1             # EGL loader, for wgpu's OpenGL fallback
    libgl1-mesa-dri     # llvmpipe: OpenGL on the CPU
)
# Also for running the real window under Xvfb (screenshots, manual checks):
if [[ "${1:-}" == "--window" ]]; then
    packages+=(xvfb xauth libxkbcommon-x11-0 libx11-xcb1 libxcursor1 libxrandr2 libxi6 libgl1 imagemagick xdotool)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
