#!/usr/bin/env bash
# The full fuzz run of the snippet evaluator and the literal scanner: 1e5 random and mutated inputs
# (CI runs 2000 through `npm run test:unit`). FUZZ_RUNS, FUZZ_SEED and FUZZ_BOUND_MS override.
set -euo pipefail
cd "$(dirname "$0")/.."
node esbuild.mjs --tests
FUZZ_RUNS="${FUZZ_RUNS:-100000}" npx mocha --no-config --enable-source-maps --timeout 0 out/test/unit/snippet/fuzz.test.js
