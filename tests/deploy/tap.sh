# tap.sh: TAP output for the shell suites (sourced): pass, fail, skip and t, counting in n and fails.
n=0
fails=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
fail() { # fail DESCRIPTION [DIAGNOSTIC]
	n=$((n + 1))
	fails=$((fails + 1))
	echo "not ok $n - $1"
	[ $# -gt 1 ] && [ -n "$2" ] && printf '%s\n' "$2" | head -40 | sed 's/^/#   /'
	return 0
}
t() { # t DESCRIPTION COMMAND...: passes if COMMAND succeeds; shows its output otherwise
	local d=$1 out
	shift
	if out=$("$@" 2>&1); then pass "$d"; else fail "$d" "$out"; fi
}
