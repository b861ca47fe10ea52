#!/bin/bash
# run.sh: `make test`: build, unit tests (plain and under ASan+UBSan), a private stack
# from scratch on a free port, then every integration, browser and deployment test.
# Ends with "N passed, N failed"; exits non-zero on any failure.
#
#   tests/run.sh                 everything
#   tests/run.sh FILE...         only these test files (.c unit tests are named by their
#                                binary: test_html; .mjs and .sh files by path), with the stack
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
PASS=0
FAIL=0
SKIP=0
FAILED_SUITES=()
TMP=$(mktemp -d /tmp/cityinv-test.XXXXXX)
LOGS=$TMP/logs
mkdir -p "$LOGS"
export CITYINV_TEST_TMP=$TMP
STACK_UP=0

log() { printf '%s\n' "$*"; }

# count NAME LOGFILE EXIT_STATUS: adds the TAP results of one suite to the totals.
count() {
	local name=$1 file=$2 rc=$3 p f s
	# A skipped test is not a pass: "ok N - name # SKIP" is counted apart.
	p=$(grep '^ok ' "$file" | grep -c -v -E '# (SKIP|TODO)')
	s=$(grep '^ok ' "$file" | grep -c -E '# (SKIP|TODO)')
	SKIP=$((SKIP + s))
	f=$(grep -c '^not ok ' "$file")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$file"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name ran no test" >>"$file"
	fi
	PASS=$((PASS + p))
	FAIL=$((FAIL + f))
	if [ "$f" -gt 0 ]; then
		FAILED_SUITES+=("$name")
		printf '  %-44s %4d passed, %d FAILED %5ss\n' "$name" "$p" "$f" "${SUITE_SECS:-}"
		grep -E -A12 '^not ok ' "$file" | grep -v -E '^\s+(duration_ms|type|\.\.\.|---)' | head -60 | sed 's/^/      /'
	else
		printf '  %-44s %4d passed %5ss\n' "$name" "$p" "${SUITE_SECS:-}"
	fi
}

# suite NAME COMMAND...: runs a TAP-producing command with a time limit.
suite() {
	local name=$1 file rc t0=$SECONDS
	shift
	file=$LOGS/$(echo "$name" | tr '/ ' '__').log
	timeout --kill-after=10 "${SUITE_TIMEOUT:-600}" "$@" >"$file" 2>&1
	rc=$?
	SUITE_SECS=$((SECONDS - t0))   # shown beside the suite's count: where make test's time goes
	count "$name" "$file" "$rc"
}

free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + RANDOM % 30000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
	done
	return 1
}

cleanup() {
	# Interrupted while the suites beside the others run: their `timeout` passes the TERM on.
	if [ -n "${BESIDE_PID:-}" ] && kill -0 "$BESIDE_PID" 2>/dev/null; then
		pkill -TERM -P "$BESIDE_PID"
	fi
	if [ "$STACK_UP" = 1 ]; then
		CITYINV_VAR=$TMP/var scripts/stack.sh stop >>"$LOGS/stack.log" 2>&1
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "== build"
if ! make -s all unit >"$LOGS/build.log" 2>&1; then
	cat "$LOGS/build.log"
	FAIL=$((FAIL + 1))
	log "build failed"
	log "$PASS passed, $FAIL failed"
	exit 1
fi
if ! make -s unit SANITIZE=address,undefined >"$LOGS/build-san.log" 2>&1; then
	cat "$LOGS/build-san.log"
	FAIL=$((FAIL + 1))
	log "sanitizer build failed"
	log "$PASS passed, $FAIL failed"
	exit 1
fi

SELECTED=("$@")
sel() { # is this test selected by the command line?
	[ ${#SELECTED[@]} -eq 0 ] && return 0
	local a
	for a in "${SELECTED[@]}"; do
		if [ "$a" = "$1" ] || [ "$(basename "$a")" = "$(basename "$1")" ]; then
			return 0
		fi
	done
	return 1
}

log "== unit tests (plain, then AddressSanitizer + UndefinedBehaviorSanitizer)"
for t in build/tests/test_*; do
	n=$(basename "$t")
	sel "$n" || continue
	suite "unit/$n" "$t"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		suite "unit-san/$n" "build/san/tests/$n"
done

log "== fuzzing (each target briefly: its regression inputs, then ${FUZZ_SECONDS:-8} s)"
if sel fuzz; then
	suite "fuzz" tests/fuzz/run.sh "${FUZZ_SECONDS:-8}"
fi

log "== test dependencies"
if [ ! -d tests/node_modules/playwright-core ] || [ ! -f tests/node_modules/axe-core/axe.min.js ] || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
	if ! (cd tests && npm ci --no-audit --no-fund) >"$LOGS/npm.log" 2>&1; then
		cat "$LOGS/npm.log"
		FAIL=$((FAIL + 1))
	fi
fi

log "== stack (private, from scratch)"
PORT=$(free_port) || { log "no free port"; exit 1; }
export PORT CITYINV_VAR=$TMP/var
# 127.0.0.1 plays a TLS proxy in front of nginx (tests/http/security.test.mjs): its
# X-Forwarded-For is believed; requests without one are its own, as before.
export TRUSTED_PROXIES=127.0.0.1
export BASE_URL="http://127.0.0.1:$PORT"
STACK_UP=1
if ! scripts/stack.sh start >"$LOGS/stack.log" 2>&1; then
	cat "$LOGS/stack.log"
	FAIL=$((FAIL + 1))
	log "$PASS passed, $FAIL failed"
	exit 1
fi
log "  up on $BASE_URL, data in $CITYINV_VAR"
# The tests act in every county (their own accounts, by SQL), so every county is hosted here;
# the console's tests (tests/http/console.test.mjs) take one off the platform and back.
scripts/stack.sh sql -e "UPDATE counties SET hosted = 1, hosted_at = IFNULL(hosted_at, NOW())" >>"$LOGS/stack.log" 2>&1

log "== store tests (shared/store_*.c against the stack's MariaDB)"
for t in build/tests/*_test; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	sel "$n" || continue
	# The programs' secrets, as the stack gives them to its services.
	suite "store/$n" env $(cat "$CITYINV_VAR/secrets.env") "$t"
done

# Suites that run stacks of their own (their own data directory, ports and processes, started and
# stopped by PID) and spend most of their time waiting for them (a restart's backoff, a second
# `make run`): one after the other beside the rest, counted at the end.  Nearly four of
# make test's minutes on this 2-core machine, where running beside the others costs them little.
BESIDE=(tests/faults/supervise.test.mjs tests/http/run.test.mjs)
beside() { [[ " ${BESIDE[*]} " == *" $1 "* ]]; }
BESIDE_RUN=()
for t in "${BESIDE[@]}"; do
	sel "$t" && BESIDE_RUN+=("$t")
done
if [ ${#BESIDE_RUN[@]} -gt 0 ]; then
	(
		# `timeout` runs in a process group of its own: a TERM to this one's (the whole run
		# interrupted) is passed on to it, and so to the suite, which stops the stack it started.
		tp=
		trap '[ -z "$tp" ] || { kill -TERM "$tp" 2>/dev/null; wait "$tp"; }; exit 143' TERM INT
		for t in "${BESIDE_RUN[@]}"; do
			f=$LOGS/$(echo "${t#tests/}" | tr '/ ' '__').log
			t0=$SECONDS
			timeout --kill-after=10 "${SUITE_TIMEOUT:-600}" node --test-reporter=tap "$t" >"$f" 2>&1 &
			tp=$!
			wait "$tp"
			echo "$? $((SECONDS - t0))" >"$f.rc"
			tp=
		done
	) &
	BESIDE_PID=$!
fi

log "== integration tests"
for t in tests/http/*.test.mjs tests/browser/*.test.mjs; do
	[ -e "$t" ] || continue
	sel "$t" && ! beside "$t" || continue
	suite "${t#tests/}" node --test-reporter=tap "$t"
done
log "== fault and load tests"
for t in tests/faults/*.test.mjs tests/load/*.test.mjs; do
	[ -e "$t" ] || continue
	sel "$t" && ! beside "$t" || continue
	suite "${t#tests/}" node --test-reporter=tap "$t"
done
if [ ${#BESIDE_RUN[@]} -gt 0 ]; then
	log "== beside the others (stacks of their own)"
	wait "$BESIDE_PID"
	BESIDE_PID=
	for t in "${BESIDE_RUN[@]}"; do
		f=$LOGS/$(echo "${t#tests/}" | tr '/ ' '__').log
		read -r rc SUITE_SECS <"$f.rc" 2>/dev/null || { rc=1; SUITE_SECS=; }
		count "${t#tests/}" "$f" "$rc"
	done
fi
for t in tests/deploy/*_test.sh; do
	[ -e "$t" ] || continue
	sel "$t" || continue
	suite "${t#tests/}" bash "$t"
done
# Last: what the stack's logs say of the whole run.
if sel tests/logs/logs_test.sh; then
	suite "logs/logs_test.sh" bash tests/logs/logs_test.sh
fi

cleanup
STACK_UP=0
if [ "$FAIL" -eq 0 ]; then
	rm -rf "$TMP"
else
	log "logs kept in $LOGS (stack data in $TMP/var)"
	log "failed: ${FAILED_SUITES[*]}"
fi
[ "$SKIP" -gt 0 ] && log "$SKIP skipped (not counted as passed)"
log "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
