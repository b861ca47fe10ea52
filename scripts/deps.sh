#!/bin/sh
# deps.sh: installs the Debian packages cityinv needs that are missing (and nothing else).
#   scripts/deps.sh        what `make run` needs
#   scripts/deps.sh test   what `make test` needs as well
set -eu

RUN_PKGS="gcc make libc6-dev libfcgi-dev libmariadb-dev libhiredis-dev libxlsxwriter-dev
libargon2-dev libcsv-dev libutf8proc-dev libcmark-dev libzip-dev libexpat1-dev zlib1g-dev
mariadb-server mariadb-client redis-server redis-tools nginx-light curl util-linux procps"
TEST_PKGS="nodejs npm chromium fonts-wqy-microhei python3 python3-openpyxl docker-compose wrk clang libclang-rt-14-dev
systemd"

want="$RUN_PKGS"
[ "${1:-}" = test ] && want="$RUN_PKGS $TEST_PKGS"

missing=""
for p in $want; do
	case "$p" in
	nginx-light) command -v nginx >/dev/null 2>&1 && continue ;;
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	python3) [ -x /usr/bin/python3 ] && continue ;;
	# systemd-analyze verify and systemd-sysusers (tests/deploy/install_test.sh); installing
	# the package does not make systemd PID 1, and the tests do not need it to be.
	systemd) command -v systemd-analyze >/dev/null 2>&1 && command -v systemd-sysusers >/dev/null 2>&1 && continue ;;
	esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
