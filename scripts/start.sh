#!/usr/bin/env bash
# npm start: build, show the CLI on the seed snippet, package the .vsix, and install it into VS Code when the
# `code` command is available (otherwise print how to install it).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/.bin ] || npm ci --no-audit --no-fund --loglevel=error
echo "== build"
node esbuild.mjs
echo "== loss-inspector run examples/seed.py"
node dist/cli.js run examples/seed.py || echo "(the snippet evaluator reported a problem; see above)"
echo "== loss-inspector explain huber (first lines)"
node dist/cli.js explain huber | head -n 12 || true
echo "== package"
npm run -s package </dev/null
vsix=dist/loss-inspector.vsix
ls -l "$vsix"
if command -v code >/dev/null 2>&1; then
  echo "== install into VS Code"
  code --install-extension "$vsix" --force
  echo "Installed. Open examples/seed.py and press Ctrl+Alt+L (Cmd+Alt+L on macOS)."
else
  echo "The 'code' command is not on PATH. Install the extension with:"
  echo "  code --install-extension $(pwd)/$vsix"
  echo "or in VS Code: Extensions view → … → Install from VSIX… → $vsix"
fi
