#!/bin/bash
# stack.sh: the local stack (MariaDB, Redis, the FastCGI processes, the workers, nginx)
# on loopback, with every file under one directory.
#
#   scripts/stack.sh run            init + start, print the URL, stay in the foreground
#                                   restarting any service that dies (with backoff, logged
#                                   to the terminal and var/log/supervise.log);
#                                   Ctrl-C or SIGTERM stops everything it started
#   scripts/stack.sh start | stop   the same in the background (used by the tests)
#   scripts/stack.sh stop-service NAME | start-service NAME | kill-service NAME [SIGNAL]
#   scripts/stack.sh pid NAME       the PID of a service (mariadb redis web worker exporter quality nginx)
#   scripts/stack.sh sql [ARGS]     a mariadb client on the stack's database (then the write epoch moved)
#   scripts/stack.sh redis-cli [ARGS]
#   scripts/stack.sh backup FILE    a consistent dump of the database (mariadb-dump --single-transaction)
#   scripts/stack.sh restore FILE [DB]   loads a dump into DB (default cityinv; created if missing)
#   scripts/stack.sh sql-root [ARGS]     a mariadb client as MariaDB's root (tests: compare databases)
#
# Environment: CITYINV_VAR (default ./var), PORT (default 8080),
# WEB_PROCESSES (default 4), TRUSTED_PROXIES (the trusted_proxies setting, rendered into
# nginx's real_ip too: addresses or CIDRs whose X-Forwarded-For is believed; default none).
# Every process runs as the user who started it
# (root included: then MariaDB and nginx are told to stay root).
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=${CITYINV_VAR:-$ROOT/var}
PORT=${PORT:-8080}
WEB_PROCESSES=${WEB_PROCESSES:-4}
TRUSTED_PROXIES=${TRUSTED_PROXIES:-}
BIN=${CITYINV_BIN:-$ROOT/build}
SERVICES="mariadb redis web worker exporter quality nginx"

mkdir -p "$VAR"
VAR=$(cd "$VAR" && pwd)
RUN=$VAR/run
LOG=$VAR/log
CONF=$VAR/cityinv.conf
ME=$(id -un)

say() { printf 'stack: %s\n' "$*"; }
# Exits, except while the run loop restarts a service (SOFT_FAIL=1): then returns 1.
fail() {
	printf 'stack: error: %s\n' "$*" >&2
	[ "${SOFT_FAIL:-0}" = 1 ] && return 1
	exit 1
}

find_bin() { # the first of the names that exists on PATH or in sbin
	local n
	for n in "$@"; do
		command -v "$n" 2>/dev/null && return 0
		[ -x "/usr/sbin/$n" ] && { echo "/usr/sbin/$n"; return 0; }
	done
	return 1
}

MARIADBD=$(find_bin mariadbd mysqld) || fail "mariadbd not found: run scripts/deps.sh"
INSTALL_DB=$(find_bin mariadb-install-db mysql_install_db) || fail "mariadb-install-db not found"
MARIADB=$(find_bin mariadb mysql) || fail "mariadb client not found"
REDIS=$(find_bin redis-server) || fail "redis-server not found"
REDIS_CLI=$(find_bin redis-cli) || fail "redis-cli not found"
NGINX=$(find_bin nginx) || fail "nginx not found"

pidfile() { echo "$RUN/$1.pid"; }
pid_of() { local f; f=$(pidfile "$1"); [ -s "$f" ] && cat "$f"; }
alive() { local p; p=$(pid_of "$1") && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# Waits up to $2 tenths of a second for the command in $3... to succeed.
wait_for() {
	local what=$1 tenths=$2 i
	shift 2
	for ((i = 0; i < tenths; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "$what did not come up (see $LOG)"
}

secret() { # a random hex secret kept in var/secrets.env
	local f=$VAR/secrets.env
	if [ ! -s "$f" ]; then
		umask 077
		printf 'CITYINV_DB_PASSWORD=%s\n' "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" >"$f"
	fi
	# shellcheck disable=SC1090
	. "$f"
	export CITYINV_DB_PASSWORD
}

init() {
	mkdir -p "$RUN" "$LOG" "$VAR/redis" "$VAR/files" "$VAR/nginx/tmp"
	secret
	if [ ! -d "$VAR/mysql/mysql" ]; then
		say "creating the MariaDB data directory in $VAR/mysql"
		local as_root=()
		[ "$(id -u)" -eq 0 ] && as_root=(--user=root)
		"$INSTALL_DB" --no-defaults --datadir="$VAR/mysql" "${as_root[@]}" \
			--auth-root-authentication-method=socket --skip-test-db \
			>"$LOG/mariadb-install.log" 2>&1 || fail "mariadb-install-db failed: see $LOG/mariadb-install.log"
	fi
	cat >"$CONF" <<CONF
# cityinv settings of the local stack (written by scripts/stack.sh; secrets are in secrets.env)
web_socket = $RUN/web.sock
web_processes = $WEB_PROCESSES
db_socket = $RUN/mysql.sock
db_name = cityinv
db_user = cityinv
redis_socket = $RUN/redis.sock
queue_prefix = cityinv
files_dir = $VAR/files
epoch_file = $RUN/epoch
migrations_dir = $ROOT/migrations
worker_poll_seconds = 5
worker_heartbeat_seconds = 6
# Served over http on loopback: cookies without Secure (the built-in default is yes).
cookie_secure = no
trusted_proxies = $TRUSTED_PROXIES
CONF
	cat >"$VAR/redis/redis.conf" <<CONF
port 0
unixsocket $RUN/redis.sock
unixsocketperm 700
dir $VAR/redis
daemonize no
save ""
appendonly no
logfile $LOG/redis.log
CONF
	# The one renderer of the template (the nginx container's too); trusted_proxies from $CONF.
	CITYINV_SETTINGS=$CONF CITYINV_LISTEN=127.0.0.1:$PORT CITYINV_STATIC=$ROOT/web/static \
	CITYINV_FILES=$VAR/files CITYINV_LOGIN_EXEMPT="127.0.0.1 1;" \
		sh "$ROOT/docker/nginx-site.sh" "$ROOT/nginx/cityinv-site.conf.in" "$VAR/nginx/cityinv-site.conf" \
		"unix:$RUN/web.sock" "unix:$RUN/web.sock.health" >/dev/null || fail "cannot write the nginx site config"
	local user_line=""
	[ "$(id -u)" -eq 0 ] && user_line="user root root;"
	cat >"$VAR/nginx/nginx.conf" <<CONF
# nginx of the local stack (written by scripts/stack.sh)
$user_line
worker_processes 2;
daemon off;
pid $RUN/nginx.pid;
error_log $LOG/nginx-error.log warn;
events { worker_connections 1024; }
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log $LOG/nginx-access.log;
	sendfile on;
	client_body_temp_path $VAR/nginx/tmp/body;
	fastcgi_temp_path $VAR/nginx/tmp/fastcgi;
	proxy_temp_path $VAR/nginx/tmp/proxy;
	uwsgi_temp_path $VAR/nginx/tmp/uwsgi;
	scgi_temp_path $VAR/nginx/tmp/scgi;
	include $VAR/nginx/cityinv-site.conf;
}
CONF
}

# Starts "$@" in its own session (so Ctrl-C reaches only this script, which
# then stops everything in order) and records its PID.
spawn() {
	local name=$1
	shift
	setsid "$@" </dev/null >>"$LOG/$name.log" 2>&1 &
	echo $! >"$(pidfile "$name")"
}

sql_root() { "$MARIADB" --no-defaults --socket="$RUN/mysql.sock" -uroot "$@"; }
# After SQL by hand (sql, sql-root): the write epoch moved, as the platform's own writes move it,
# so no web process answers from a session it read before (shared/epoch.h).
moved_by_hand() { [ ! -x "$BIN/cityinv-admin" ] || [ ! -f "$CONF" ] || "$BIN/cityinv-admin" -c "$CONF" epoch || true; }

start_service() {
	alive "$1" && return 0
	case $1 in
	mariadb)
		local as_root=()
		[ "$(id -u)" -eq 0 ] && as_root=(--user=root)
		# Its temporary tables under var/ too: what others do in /tmp is not its concern.
		mkdir -p "$VAR/tmp"
		spawn mariadb "$MARIADBD" --no-defaults --datadir="$VAR/mysql" "${as_root[@]}" \
			--tmpdir="$VAR/tmp" --socket="$RUN/mysql.sock" --skip-networking --pid-file="$RUN/mariadbd.pid" \
			--log-error="$LOG/mariadb.log" --character-set-server=utf8mb4 \
			--collation-server=utf8mb4_unicode_ci --default-time-zone=+08:00 --innodb-buffer-pool-size=256M \
			--innodb-log-file-size=64M --max-connections=500 --skip-name-resolve
		wait_for MariaDB 600 sql_root -e 'SELECT 1' || return 1
		secret
		sql_root <<SQL || fail "cannot create the cityinv database and user"
CREATE DATABASE IF NOT EXISTS cityinv CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'cityinv'@'localhost' IDENTIFIED BY '$CITYINV_DB_PASSWORD';
ALTER USER 'cityinv'@'localhost' IDENTIFIED BY '$CITYINV_DB_PASSWORD';
GRANT ALL PRIVILEGES ON cityinv.* TO 'cityinv'@'localhost';
SQL
		;;
	redis)
		spawn redis "$REDIS" "$VAR/redis/redis.conf"
		wait_for Redis 100 "$REDIS_CLI" -s "$RUN/redis.sock" ping || return 1
		;;
	web)
		[ -x "$BIN/cityinv-web" ] || fail "$BIN/cityinv-web is not built: run make" || return 1
		secret
		spawn web "$BIN/cityinv-web" -c "$CONF"
		wait_for "the FastCGI processes" 100 test -S "$RUN/web.sock"
		;;
	worker)
		secret
		spawn worker "$BIN/cityinv-worker" -c "$CONF"
		;;
	exporter) # the worker that builds workbooks, so that rollups never wait behind one
		secret
		spawn exporter "$BIN/cityinv-worker" -c "$CONF" -q exports
		;;
	quality) # the worker that computes the grade, uncertainty and board, so that rollups never wait for it
		secret
		spawn quality "$BIN/cityinv-worker" -c "$CONF" -q quality
		;;
	nginx)
		"$NGINX" -t -q -p "$VAR/nginx" -e "$LOG/nginx-error.log" -c "$VAR/nginx/nginx.conf" \
			>>"$LOG/nginx.log" 2>&1 || fail "nginx -t failed: see $LOG/nginx.log" || return 1
		spawn nginx "$NGINX" -p "$VAR/nginx" -e "$LOG/nginx-error.log" -c "$VAR/nginx/nginx.conf"
		wait_for "nginx on 127.0.0.1:$PORT" 100 curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz"
		;;
	*) fail "unknown service $1" ;;
	esac
}

stop_service() {
	local name=$1 sig=${2:-TERM} p i
	p=$(pid_of "$name") || return 0
	[ -n "$p" ] || return 0
	if kill -0 "$p" 2>/dev/null; then
		kill "-$sig" "$p" 2>/dev/null
		# MariaDB may take a while to flush; everything else is quick.
		for ((i = 0; i < 600; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$p" 2>/dev/null; then
			say "$name ($p) did not stop; killing it"
			kill -KILL "$p" 2>/dev/null
		fi
	fi
	rm -f "$(pidfile "$name")"
}

migrate() {
	secret
	"$BIN/cityinv-admin" -c "$CONF" migrate >>"$LOG/admin.log" 2>&1 ||
		fail "migrations failed: see $LOG/admin.log"
	if [ "${CITYINV_DEMO:-1}" = 1 ]; then
		"$BIN/cityinv-admin" -c "$CONF" demo >>"$LOG/admin.log" 2>&1 ||
			fail "demo data failed: see $LOG/admin.log"
	fi
}

start_all() {
	init
	start_service mariadb
	start_service redis
	migrate
	start_service web
	start_service worker
	start_service exporter
	start_service quality
	start_service nginx
}

stop_all() {
	local s
	for s in nginx quality exporter worker web redis mariadb; do
		stop_service "$s"
	done
}

# Supervision by the run loop, the same for every service of SERVICES: a service found not
# running is started again at once; one that dies again within STABLE_SECONDS of its start
# waits 1, 2, 4 ... BACKOFF_MAX seconds before each further attempt, so a program that dies
# at once is not restarted in a tight loop.  Every death, wait and restart is logged.
STABLE_SECONDS=30
BACKOFF_MAX=60
declare -A sv_fails=() sv_next=() sv_started=() sv_down=()

sv_log() {
	say "$*"
	printf '%s stack: %s\n' "$(date '+%F %T')" "$*" >>"$LOG/supervise.log"
}

# Sets sv_why to how the process $1 ended, when this shell started it (bash keeps the
# status of its children; run in this shell, not in $(...), whose wait would not know them).
sv_ended() {
	local rc
	sv_why="is not running"
	[ -n "${1:-}" ] || return 0
	wait "$1" 2>/dev/null
	rc=$?
	if [ "$rc" -eq 127 ]; then
		sv_why="($1) is not running"
	elif [ "$rc" -gt 128 ]; then
		sv_why="($1) was killed by signal $((rc - 128))"
	else
		sv_why="($1) exited with status $rc"
	fi
}

supervise() {
	local s now up f delay
	for s in $SERVICES; do
		alive "$s" && continue
		now=$EPOCHSECONDS
		if [ -z "${sv_down[$s]:-}" ]; then
			up=$((now - ${sv_started[$s]:-0}))
			[ "$up" -ge "$STABLE_SECONDS" ] && sv_fails[$s]=0
			f=${sv_fails[$s]:-0}
			delay=0
			[ "$f" -gt 0 ] && delay=$((1 << (f > 7 ? 7 : f - 1)))
			[ "$delay" -gt "$BACKOFF_MAX" ] && delay=$BACKOFF_MAX
			sv_next[$s]=$((now + delay))
			sv_down[$s]=1
			sv_ended "$(pid_of "$s")"
			if [ "$delay" -eq 0 ]; then
				sv_log "$s $sv_why after ${up}s; restarting it"
			else
				sv_log "$s $sv_why after ${up}s (died within ${STABLE_SECONDS}s of its start, $f in a row); restarting it in ${delay}s"
			fi
		fi
		[ "$now" -ge "${sv_next[$s]}" ] || continue
		sv_fails[$s]=$((${sv_fails[$s]:-0} + 1))
		sv_started[$s]=$now
		unset "sv_down[$s]"
		if SOFT_FAIL=1 start_service "$s"; then
			sv_log "$s restarted (pid $(pid_of "$s"))"
		else
			sv_log "$s did not start (see $LOG/$s.log)"
		fi
	done
}

banner() {
	cat <<TXT

  cityinv is running: http://127.0.0.1:$PORT/

  Demo accounts (password for every one: cityinv-demo):
    連江縣 (Z)  371000000A 連江縣政府            371030000A 連江縣政府教育處
                371040000A 連江縣環境資源局      371036500X 連江縣介壽國中小
                371036600X 連江縣中正國中小      TEAM       連江縣盤查小組
    金門縣 (W)  397020000A 金門縣政府            397030000A 金門縣環境保護局
                TEAM       金門縣盤查小組
    Choose the county and type the code, or leave 縣市 empty and type
    the letter first (z371036500X).  Platform admin: admin (no county).

  Data: $VAR    Logs: $LOG
  A service that dies is started again (logged in $LOG/supervise.log).
  Ctrl-C stops everything.
TXT
}

cmd=${1:-help}
case $cmd in
run)
	trap 'echo; say "stopping"; stop_all; say "stopped"; exit 0' INT TERM
	start_all
	for s in $SERVICES; do
		sv_started[$s]=$EPOCHSECONDS
	done
	banner
	while :; do
		supervise
		sleep 1 &
		wait $!
	done
	;;
start) start_all ;;
stop) stop_all ;;
init) init ;;
migrate) migrate ;;
start-service) init; start_service "$2" ;;
stop-service) stop_service "$2" ;;
kill-service) stop_service "$2" "${3:-KILL}" ;;
pid) pid_of "$2" ;;
sql) shift; secret; rc=0
	"$MARIADB" --no-defaults --socket="$RUN/mysql.sock" -ucityinv -p"$CITYINV_DB_PASSWORD" cityinv "$@" || rc=$?
	moved_by_hand
	exit "$rc" ;;
redis-cli) shift; "$REDIS_CLI" -s "$RUN/redis.sock" "$@" ;;
backup)
	[ $# -eq 2 ] || fail "usage: stack.sh backup FILE"
	secret
	# One transaction for every InnoDB table: a consistent snapshot while the stack runs.
	"$(find_bin mariadb-dump mysqldump)" --no-defaults --socket="$RUN/mysql.sock" -ucityinv -p"$CITYINV_DB_PASSWORD" \
		--single-transaction --routines --triggers --hex-blob --default-character-set=utf8mb4 cityinv >"$2.part" &&
		mv "$2.part" "$2" || { rm -f "$2.part"; fail "backup failed"; }
	;;
restore)
	[ $# -ge 2 ] || fail "usage: stack.sh restore FILE [DB]"
	db=${3:-cityinv}
	case $db in *[!a-z0-9_]*) fail "bad database name: $db" ;; esac
	sql_root -e "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
		GRANT ALL PRIVILEGES ON \`$db\`.* TO 'cityinv'@'localhost'" || fail "cannot create $db"
	sql_root "$db" <"$2" || fail "restore into $db failed"
	moved_by_hand
	;;
sql-root) shift; rc=0; sql_root "$@" || rc=$?; moved_by_hand; exit "$rc" ;;
*) sed -n '2,/^set -u$/{/^#/p}' "$0"; exit 2 ;;
esac
