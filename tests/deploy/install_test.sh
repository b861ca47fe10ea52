#!/bin/bash
# install_test.sh: `make install` for a host without Docker, staged (DESTDIR) with a PREFIX of
# its own, checked without a running systemd:
#   - it installs the programs, the schema without the demo data, the static files, the nginx
#     template with its renderer, the units, the sysusers file and the settings, all under
#     DESTDIR, and keeps a settings file that is already there;
#   - every path in the units and the settings follows PREFIX (the settings stay in /etc);
#   - `systemd-analyze verify` accepts the units (Restart=on-failure, a dedicated user, the
#     hardening) in a root made of the staged tree and this host's unit directory, and fails
#     when a program the units name is missing;
#   - systemd-sysusers creates the user from the staged file; the installed settings pass the
#     programs' parser; the installed renderer writes an nginx site that passes nginx -t.
# Works from any directory; prints TAP, exits non-zero on failure.  Needs make, cc,
# systemd-analyze and systemd-sysusers (the Debian package systemd: scripts/deps.sh test), nginx.
set -u
cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=tap.sh
. tests/deploy/tap.sh

TMP=$(mktemp -d "${TMPDIR:-/tmp}/cityinv-install.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PREFIX=$TMP/usr        # what the units name; never written
STAGE=$TMP/stage       # DESTDIR: where everything is written
P=$STAGE$PREFIX
UNITS="cityinv-web.service cityinv-worker.service cityinv-worker-quality.service"

# ---- 1. the staged install ------------------------------------------------------------------
t "make install PREFIX=\$tmp/usr DESTDIR=\$tmp/stage succeeds" \
  make -s install PREFIX="$PREFIX" DESTDIR="$STAGE"
if [ ! -e "$PREFIX" ] && [ -z "$(find "$TMP" -mindepth 1 -maxdepth 1 ! -name stage)" ]; then
	pass "nothing is written outside DESTDIR"
else
	fail "nothing is written outside DESTDIR" "$(find "$TMP" -mindepth 1 -maxdepth 2 ! -path "$STAGE*")"
fi
for f in bin/cityinv-web bin/cityinv-worker bin/cityinv-admin share/cityinv/nginx/nginx-site.sh; do
	t "$f is installed, executable" test -x "$P/$f"
done
for f in lib/systemd/system/cityinv-web.service lib/systemd/system/cityinv-worker.service \
	lib/systemd/system/cityinv-worker-quality.service \
	lib/sysusers.d/cityinv.conf share/cityinv/nginx/cityinv-site.conf.in share/cityinv/static/cityinv.css \
	share/cityinv/migrations/0001_core.sql share/cityinv/migrations/data/emission-factors.csv; do
	t "$f is installed" test -f "$P/$f"
done
t "the settings file is installed in /etc/cityinv (under DESTDIR)" test -f "$STAGE/etc/cityinv/cityinv.conf"
t "every migration is installed, the demo data is not" \
  bash -c "diff <(cd migrations && ls *.sql) <(cd '$P/share/cityinv/migrations' && ls *.sql) &&
           ! find '$STAGE' -path '*demo*' | grep -q ."

# ---- 2. the paths follow PREFIX ---------------------------------------------------------------
for u in $UNITS; do
	f=$P/lib/systemd/system/$u
	prog=${u%.service} args=
	# The quality worker is cityinv-worker serving its own queue.
	[ "$u" = cityinv-worker-quality.service ] && prog=cityinv-worker args=" -q quality"
	t "$u: ExecStart is PREFIX/bin/$prog$args with the settings in /etc/cityinv" \
	  grep -qx "ExecStart=$PREFIX/bin/$prog -c /etc/cityinv/cityinv.conf$args" "$f"
	t "$u: Restart=on-failure, RestartSec, the dedicated user cityinv" \
	  bash -c "grep -qx 'Restart=on-failure' '$f' && grep -qE '^RestartSec=[1-9]' '$f' &&
	           grep -qx 'User=cityinv' '$f' && grep -qx 'Group=cityinv' '$f'"
	t "$u: hardened (no privileges, read-only system, files_dir its state directory)" \
	  bash -c "grep -qx 'NoNewPrivileges=yes' '$f' && grep -qx 'ProtectSystem=strict' '$f' &&
	           grep -qx 'CapabilityBoundingSet=' '$f' && grep -qx 'StateDirectory=cityinv cityinv/files' '$f'"
	# Every absolute path in the unit is under PREFIX or is one of the host's fixed places.
	other=$(grep -oE '(^|[ =-])/[^ ]+' "$f" | sed -E 's/^[ =-]//' |
		grep -vE "^($PREFIX/|/etc/cityinv/|/var/lib/cityinv|/run/cityinv)" || true)
	if [ -z "$other" ] && ! grep -q '@[A-Z]*@' "$f" && ! grep -q '/usr/local' "$f"; then
		pass "$u: no path outside PREFIX, /etc/cityinv, /var/lib/cityinv, /run/cityinv; no placeholder left"
	else
		fail "$u: no path outside PREFIX, /etc/cityinv, /var/lib/cityinv, /run/cityinv; no placeholder left" "$other"
	fi
done
t "the settings name the installed schema (PREFIX/share/cityinv/migrations)" \
  grep -qx "migrations_dir = $PREFIX/share/cityinv/migrations" "$STAGE/etc/cityinv/cityinv.conf"
t "the settings: Secure cookies, files_dir and the epoch in the units' state directory, the socket in their runtime directory" \
  bash -c "grep -qx 'cookie_secure = yes' '$STAGE/etc/cityinv/cityinv.conf' &&
           grep -qx 'files_dir = /var/lib/cityinv/files' '$STAGE/etc/cityinv/cityinv.conf' &&
           grep -qx 'epoch_file = /var/lib/cityinv/epoch' '$STAGE/etc/cityinv/cityinv.conf' &&
           grep -qx 'web_socket = /run/cityinv/web.sock' '$STAGE/etc/cityinv/cityinv.conf' &&
           grep -qx 'RuntimeDirectory=cityinv' '$P/lib/systemd/system/cityinv-web.service'"
out=$(env -u CITYINV_CONFIG -u CITYINV_REDIS_PASSWORD CITYINV_DB_PASSWORD=x \
	timeout 30 "$P/bin/cityinv-admin" -c "$STAGE/etc/cityinv/cityinv.conf" migrate 2>&1)
if [[ $out == *"cannot connect to the database"* ]] && [[ $out != *"fatal: $STAGE/etc"* ]]; then
	pass "the installed settings pass the programs' parser (migrate then fails only on connecting)"
else
	fail "the installed settings pass the programs' parser (migrate then fails only on connecting)" "$out"
fi

# A second install keeps the operator's settings.
echo "# edited by the operator" >>"$STAGE/etc/cityinv/cityinv.conf"
t "a second make install succeeds" make -s install PREFIX="$PREFIX" DESTDIR="$STAGE"
t "and keeps the settings file as it was" grep -qx "# edited by the operator" "$STAGE/etc/cityinv/cityinv.conf"

# ---- 3. systemd-analyze verify ----------------------------------------------------------------
# The root: the staged tree, this host's own unit directory (sysinit.target and the rest that
# every service depends on) and the units in /etc/systemd/system, where `systemctl link` puts
# units of a PREFIX outside systemd's search path (/usr/local and /usr are in it).
if ! command -v systemd-analyze >/dev/null 2>&1; then
	fail "systemd-analyze is installed (scripts/deps.sh test installs the package systemd)"
else
	SYSUNITS=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
	[ -d "${SYSUNITS:-}" ] || SYSUNITS=/usr/lib/systemd/system
	[ -d "$SYSUNITS" ] || SYSUNITS=/lib/systemd/system
	ROOT=$TMP/root
	mkdir -p "$ROOT/usr/lib/systemd" "$ROOT/etc/systemd/system"
	cp -a "$STAGE/." "$ROOT/"
	cp -a "$SYSUNITS/." "$ROOT/usr/lib/systemd/system/"
	cp "$P"/lib/systemd/system/*.service "$ROOT/etc/systemd/system/"
	# shellcheck disable=SC2086
	out=$(systemd-analyze verify --root="$ROOT" $UNITS 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && ! grep -q cityinv <<<"$out"; then
		pass "systemd-analyze verify accepts the units, with no warning about them"
	else
		fail "systemd-analyze verify accepts the units, with no warning about them" "exit $rc: $out"
	fi
	# The same check must be able to fail: a program the unit names, missing.
	mv "$ROOT$PREFIX/bin/cityinv-worker" "$TMP/worker.away"
	out=$(systemd-analyze verify --root="$ROOT" cityinv-worker.service 2>&1)
	rc=$?
	mv "$TMP/worker.away" "$ROOT$PREFIX/bin/cityinv-worker"
	if [ "$rc" -ne 0 ] && [[ $out == *"$PREFIX/bin/cityinv-worker is not executable"* ]]; then
		pass "verify fails when the unit's program is not at PREFIX/bin"
	else
		fail "verify fails when the unit's program is not at PREFIX/bin" "exit $rc: $out"
	fi
	if command -v systemd-sysusers >/dev/null 2>&1; then
		out=$(systemd-sysusers --root="$ROOT" "$ROOT$PREFIX/lib/sysusers.d/cityinv.conf" 2>&1)
		if grep -q '^cityinv:x:[0-9]*:[0-9]*:[^:]*:/var/lib/cityinv:/usr/sbin/nologin$' "$ROOT/etc/passwd" &&
		   grep -qE '^cityinv:x:[0-9]+:(.*,)?www-data(,|$)' "$ROOT/etc/group"; then
			pass "systemd-sysusers creates the system user cityinv (no login) and puts nginx's www-data in its group"
		else
			fail "systemd-sysusers creates the system user cityinv (no login) and puts nginx's www-data in its group" \
				"$out $(cat "$ROOT/etc/passwd" "$ROOT/etc/group" 2>/dev/null)"
		fi
	else
		fail "systemd-sysusers is installed (the package systemd)"
	fi
fi

# ---- 4. the installed renderer writes the host's nginx site -----------------------------------
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
mkdir -p "$TMP/nginx/logs" "$TMP/nginx/tmp"
t "the installed nginx-site.sh renders the host's site from the installed template and settings" \
  env CITYINV_SETTINGS="$STAGE/etc/cityinv/cityinv.conf" CITYINV_LISTEN=127.0.0.1:8080 \
      CITYINV_STATIC="$PREFIX/share/cityinv/static" \
      sh "$P/share/cityinv/nginx/nginx-site.sh" "$P/share/cityinv/nginx/cityinv-site.conf.in" \
      "$TMP/nginx/site.conf" unix:/run/cityinv/web.sock
t "its /healthz goes to the health process's socket, web_socket's path with .health" \
  grep -q 'fastcgi_pass unix:/run/cityinv/web.sock.health;' "$TMP/nginx/site.conf"
cat >"$TMP/nginx/nginx.conf" <<CONF
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log;
events {}
http {
	include /etc/nginx/mime.types;
	client_body_temp_path $TMP/nginx/tmp/body;
	fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
	proxy_temp_path $TMP/nginx/tmp/proxy;
	uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
	scgi_temp_path $TMP/nginx/tmp/scgi;
	include $TMP/nginx/site.conf;
}
CONF
t "that site passes nginx -t" "$NGINX" -t -q -p "$TMP/nginx" -e "$TMP/nginx/logs/error.log" -c "$TMP/nginx/nginx.conf"
t "and passes to the web unit's socket" grep -q 'fastcgi_pass unix:/run/cityinv/web.sock;' "$TMP/nginx/site.conf"

echo "1..$n"
[ "$fails" -eq 0 ]
