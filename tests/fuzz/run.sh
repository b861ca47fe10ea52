#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS [TARGET...]
#
# Builds the libFuzzer targets of tests/fuzz/ into build/fuzz/, runs every file of
# tests/fuzz/regressions/<target>/ through each (any crash fails), then fuzzes each for
# SECONDS seconds over a temporary copy of tests/fuzz/corpus/<target>/ (the committed
# corpus is never written).  Crashes go to build/fuzz/artifacts/<target>/, logs to
# build/fuzz/logs/.  Prints TAP: one line per target and phase, then the plan; exits 1
# when anything failed, 2 on a usage error.  Run it from the repository root.
#
# TARGET: query cookie multipart import decimal xff (default: all; "fuzz_query" works too).
set -u

ALL_TARGETS="query cookie multipart import decimal xff"
CFLAGS_FUZZ="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -Ishared -I/usr/include/mariadb"
FUZZ_FLAGS="-max_len=65536 -rss_limit_mb=2048 -timeout=60"
OUT=build/fuzz

usage() {
	echo "usage: tests/fuzz/run.sh SECONDS [TARGET...]   (targets: $ALL_TARGETS)" >&2
	exit 2
}

[ $# -ge 1 ] || usage
secs=$1
shift
case $secs in
'' | *[!0-9]*) usage ;;
esac
[ "$secs" -ge 1 ] 2>/dev/null || usage
if [ ! -f shared/query.c ] || [ ! -f tests/fuzz/run.sh ]; then
	echo "tests/fuzz/run.sh: run it from the repository root" >&2
	exit 2
fi

targets=()
if [ $# -eq 0 ]; then
	read -r -a targets <<<"$ALL_TARGETS"
else
	for t in "$@"; do
		t=${t#fuzz_}
		t=${t%.c}
		case " $ALL_TARGETS " in
		*" $t "*) targets+=("$t") ;;
		*)
			echo "tests/fuzz/run.sh: unknown target '$t' (targets: $ALL_TARGETS)" >&2
			exit 2
			;;
		esac
	done
fi

# What each target links besides its own file.
sources_of() {
	case $1 in
	query | cookie) echo shared/query.c shared/arena.c shared/util.c ;;
	multipart) echo shared/multipart.c shared/query.c shared/arena.c shared/util.c ;;
	import) echo shared/agency_import.c shared/sheet.c shared/sheet_csv.c shared/sheet_xlsx.c shared/input.c shared/decimal.c shared/arena.c shared/util.c ;;
	decimal) echo shared/decimal.c ;;
	xff) echo shared/ipnet.c ;;
	esac
}
libs_of() {
	case $1 in
	import) echo -lcsv -lzip -lexpat -lutf8proc ;;
	esac
}

n=0
failed=0
tmpdirs=()
cleanup() {
	local d
	for d in "${tmpdirs[@]+"${tmpdirs[@]}"}"; do
		rm -rf -- "$d"
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# tap ok|fail DESCRIPTION [LOGFILE]: one TAP line; on failure, the log's tail as comments.
tap() {
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		if [ $# -ge 3 ] && [ -s "$3" ]; then
			echo "#   log: $3"
			tail -n 40 "$3" | sed 's/^/#   /'
		fi
	fi
}

export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

if ! command -v clang >/dev/null 2>&1; then
	for t in "${targets[@]}"; do
		tap fail "fuzz_$t regressions # clang not found: install clang (with libFuzzer) to build the fuzz targets"
		tap fail "fuzz_$t $secs s # clang not found: install clang (with libFuzzer) to build the fuzz targets"
	done
	echo "1..$n"
	exit 1
fi

have_timeout=0
command -v timeout >/dev/null 2>&1 && have_timeout=1
# limit SECONDS CMD...: CMD, killed after SECONDS when coreutils timeout is there.
limit() {
	local s=$1
	shift
	if [ $have_timeout = 1 ]; then
		timeout -k 10 "$s" "$@"
	else
		"$@"
	fi
}

mkdir -p "$OUT/logs" || exit 1

for t in "${targets[@]}"; do
	bin=$OUT/fuzz_$t
	blog=$OUT/logs/fuzz_$t.build.log
	rlog=$OUT/logs/fuzz_$t.regressions.log
	flog=$OUT/logs/fuzz_$t.fuzz.log
	art=$OUT/artifacts/$t
	mkdir -p "$art"

	# shellcheck disable=SC2046,SC2086
	if ! limit 600 clang $CFLAGS_FUZZ "tests/fuzz/fuzz_$t.c" $(sources_of "$t") -o "$bin" $(libs_of "$t") >"$blog" 2>&1; then
		tap fail "fuzz_$t regressions # build failed" "$blog"
		tap fail "fuzz_$t $secs s # build failed" "$blog"
		continue
	fi

	# Phase 1: every committed regression input, one run each.
	: >"$rlog"
	nfiles=0
	bad=()
	for f in tests/fuzz/regressions/"$t"/*; do
		[ -f "$f" ] || continue
		nfiles=$((nfiles + 1))
		echo "=== $f" >>"$rlog"
		# shellcheck disable=SC2086
		if ! limit 300 "$bin" $FUZZ_FLAGS -artifact_prefix="$art/regression-" "$f" >>"$rlog" 2>&1; then
			bad+=("$f")
		fi
	done
	if [ ${#bad[@]} -eq 0 ]; then
		tap ok "fuzz_$t regressions # $nfiles files"
	else
		tap fail "fuzz_$t regressions # ${#bad[@]} of $nfiles files failed: ${bad[*]}" "$rlog"
	fi

	# Phase 2: fuzzing over a throw-away copy of the seed corpus.
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_$t.XXXXXX") || {
		tap fail "fuzz_$t $secs s # mktemp failed"
		continue
	}
	tmpdirs+=("$tmp")
	if [ -d "tests/fuzz/corpus/$t" ]; then
		cp -R "tests/fuzz/corpus/$t/." "$tmp/"
	fi
	nseeds=$(find "$tmp" -type f | wc -l)
	stamp=$OUT/logs/fuzz_$t.stamp
	: >"$stamp"
	# shellcheck disable=SC2086
	limit $((secs * 2 + 120)) "$bin" -max_total_time="$secs" $FUZZ_FLAGS -print_final_stats=1 \
		-artifact_prefix="$art/" "$tmp" >"$flog" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$flog" | tail -n 1)
	ncorpus=$(find "$tmp" -type f | wc -l)
	if [ $rc -eq 0 ]; then
		tap ok "fuzz_$t $secs s # ${runs:-?} runs, corpus $nseeds -> $ncorpus inputs"
	else
		case $rc in
		124 | 137) why="killed after $((secs * 2 + 120)) s" ;;
		*) why="exit $rc" ;;
		esac
		tap fail "fuzz_$t $secs s # $why; artifacts in $art/" "$flog"
		find "$art" -maxdepth 1 -type f -newer "$stamp" 2>/dev/null | head -n 20 | sed 's/^/#   artifact: /'
	fi
	rm -rf -- "$tmp"
done

echo "1..$n"
[ $failed -eq 0 ]
