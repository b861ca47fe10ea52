#!/bin/bash
# loadtest.sh (make loadtest): the mixed workload of tests/load/load.mjs against a private stack
# for LOAD_SECONDS (default 120) with LOAD_USERS agencies at once (default 64); prints the
# throughput, p50/p99 by kind and the checks.  Traffic goes to 127.0.0.1 only.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TMP=$(mktemp -d /tmp/cityinv-load.XXXXXX)
export CITYINV_VAR=$TMP/var PORT=${PORT:-28090} BASE_URL="http://127.0.0.1:${PORT:-28090}"
trap 'scripts/stack.sh stop >/dev/null 2>&1 || true; rm -rf "$TMP"' EXIT
make -s all
scripts/stack.sh start >/dev/null
node --input-type=module -e "
import { seed, run, verify } from '$ROOT/tests/load/load.mjs';
const codes = seed(${LOAD_USERS:-64});
const { summary, saved } = await run({ seconds: ${LOAD_SECONDS:-120}, users: ${LOAD_USERS:-64}, codes });
console.log(JSON.stringify(summary, null, 1));
const problems = await verify(saved);
console.log(problems.length ? 'PROBLEMS: ' + problems.join('; ') : 'checks: every save once, reports hold the last save, rollups equal their subtree sums');
process.exit(problems.length || summary.errors5xx ? 1 : 0);
" || { echo "errors logged during the run:"; grep -h " error: " "$CITYINV_VAR"/log/web.log "$CITYINV_VAR"/log/worker.log | tail -20; grep -h '" 50[0-9] ' "$CITYINV_VAR"/log/nginx-access.log | tail -5; exit 1; }
