#!/usr/bin/env bash
# npm run bench: every benchmark under test/bench, each side by side with its baseline in one run.
# Figures and ratios go to stdout and to bench/results.md (commit it with the run you report).
set -euo pipefail
cd "$(dirname "$0")/.."
# What ships: the production build and its .vsix (the extension bench reports their sizes and activation).
node esbuild.mjs --production --bench >/dev/null 2>&1
{ npx vsce package --no-dependencies --readme-path dist/README.md -o dist/loss-inspector.vsix </dev/null >/dev/null 2>&1 && node scripts/vsix-recompress.mjs dist/loss-inspector.vsix >/dev/null; } || echo "(vsce package failed: the .vsix size is absent or stale)"

mkdir -p bench
out=bench/results.md
{
  echo "# Benchmark results"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ) · node $(node --version) · $(nproc) cores · $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) · load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
} > "$out"
for f in out/bench/*.js; do
  name=$(basename "$f" .js)
  [ -n "${BENCH_ONLY:-}" ] && [ "$name" != "$BENCH_ONLY" ] && continue
  echo "## $name" | tee -a "$out"
  echo '```' >> "$out"
  node "$f" 2>&1 | grep -v -e '^=*$' -e 'looks like you are running TensorFlow.js' -e '^$' | tee -a "$out"
  echo '```' >> "$out"
done
# The panel's input → redraw in headless Chromium (needs Debian's chromium: npm test's setup installs it).
if [ -z "${BENCH_ONLY:-}" ] || [ "$BENCH_ONLY" = redraw ]; then
  if [ -x /usr/bin/chromium ]; then
    echo "## redraw" | tee -a "$out"
    echo '```' >> "$out"
    WEBVIEW_BENCH=1 node test/webview/run.js 2>&1 | grep -v -e '^webview (headless' -e '^  CSP:' | tee -a "$out"
    echo '```' >> "$out"
  else
    echo "## redraw: skipped (no /usr/bin/chromium)" | tee -a "$out"
  fi
fi
