#!/usr/bin/env bash
# Installs what the product and its tests need on a fresh Debian/Ubuntu machine (idempotent):
# apt packages (chromium for the webview and e2e tests, libkrb5-dev + build tools for code-server's native
# modules), npm ci, and the e2e tools (Node 24 + code-server + drivers) into $E2E_TOOLS outside the clone.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO=sudo
pkgs=()
command -v chromium >/dev/null || pkgs+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || pkgs+=(libkrb5-dev)
{ command -v g++ && command -v make && command -v python3; } >/dev/null || pkgs+=(g++ make python3)
# the debugger tests read live arrays from a real debugpy under the system Python (Debian's packages)
dpkg -s python3-debugpy >/dev/null 2>&1 || pkgs+=(python3-debugpy)
dpkg -s python3-numpy >/dev/null 2>&1 || pkgs+=(python3-numpy)
if [ ${#pkgs[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi
[ -d node_modules/.bin ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
if [ -z "${SKIP_E2E:-}" ] && [ -f test/e2e/setup.sh ]; then bash test/e2e/setup.sh; fi
