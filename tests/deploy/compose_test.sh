#!/bin/bash
# compose_test.sh: the deployment files, checked without a Docker engine: docker-compose
# config resolves them (and refuses a missing secret), the container's nginx config
# (rendered from the same template as the local stack) passes nginx -t, and the
# containers' settings file passes the programs' own settings check.  Prints TAP.
set -u
cd "$(dirname "$0")/../.."
n=0
fails=0
t() { # t DESCRIPTION COMMAND...
	local d=$1
	shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then
		echo "ok $n - $d"
	else
		echo "not ok $n - $d"
		fails=$((fails + 1))
	fi
}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

export CITYINV_DB_PASSWORD=db-secret CITYINV_REDIS_PASSWORD=redis-secret MYSQL_ROOT_PASSWORD=root-secret
docker-compose -f docker-compose.yml config >"$TMP/config.yml" 2>"$TMP/config.err"
t "docker-compose config resolves the file" test -s "$TMP/config.yml"
for s in mysql redis migrate web worker nginx; do
	t "service $s is defined" grep -qE "^  $s:$" "$TMP/config.yml"
done
t "MySQL 8 and Redis 7 images" grep -q "image: mysql:8" "$TMP/config.yml"
t "Redis 7 image" grep -q "image: redis:7" "$TMP/config.yml"
t "volumes for the database and the generated files" bash -c "sed -n '/^volumes:/,\$p' '$TMP/config.yml' | grep -q '^  db:' && sed -n '/^volumes:/,\$p' '$TMP/config.yml' | grep -q '^  files:'"
t "the web and worker wait for the migrations to succeed" grep -q "condition: service_completed_successfully" "$TMP/config.yml"
t "secrets come from the environment" grep -q "CITYINV_DB_PASSWORD: db-secret" "$TMP/config.yml"
t "the demo data is kept out of the image" grep -qx "migrations/demo" .dockerignore
t "the image copies no demo data" bash -c "! grep -n 'demo' Dockerfile | grep -v '^#' | grep -q COPY"
t "a missing secret stops docker-compose" bash -c "! env -u CITYINV_DB_PASSWORD docker-compose -f docker-compose.yml config"
env -u CITYINV_DB_PASSWORD docker-compose -f docker-compose.yml config 2>"$TMP/missing.err" >/dev/null
t "and names it" grep -q "set CITYINV_DB_PASSWORD" "$TMP/missing.err"

# The container's nginx config, rendered by the container's own script from the shared
# template; the upstream name web:9000 exists only inside the compose network, so the
# local check points it at 127.0.0.1:9000 (nginx resolves names when it loads the config).
mkdir -p "$TMP/nginx/logs" "$TMP/nginx/tmp"
sh docker/nginx-site.sh nginx/cityinv-site.conf.in "$TMP/nginx/site.conf" 127.0.0.1:9000
cat >"$TMP/nginx/nginx.conf" <<CONF
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log;
events {}
http {
	include /etc/nginx/mime.types;
	client_body_temp_path $TMP/nginx/tmp;
	fastcgi_temp_path $TMP/nginx/tmp;
	proxy_temp_path $TMP/nginx/tmp;
	uwsgi_temp_path $TMP/nginx/tmp;
	scgi_temp_path $TMP/nginx/tmp;
	include $TMP/nginx/site.conf;
}
CONF
t "the container's nginx config passes nginx -t" nginx -t -q -p "$TMP/nginx" -e "$TMP/nginx/logs/error.log" -c "$TMP/nginx/nginx.conf"
t "it keeps the internal X-Accel location" grep -q "internal;" "$TMP/nginx/site.conf"
t "it keeps the security headers" grep -q "frame-ancestors 'none'" "$TMP/nginx/site.conf"
t "it passes to the web container" bash -c "sh docker/nginx-site.sh nginx/cityinv-site.conf.in '$TMP/x.conf' && grep -q 'fastcgi_pass web:9000;' '$TMP/x.conf'"

# The containers' settings file passes the real settings check: the migration then fails
# only on connecting to a database that is not there.
out=$(CITYINV_DB_PASSWORD=x timeout 30 build/cityinv-admin -c docker/cityinv.conf migrate 2>&1)
t "docker/cityinv.conf is a valid settings file" bash -c "echo '$out' | grep -q 'cannot connect to the database' && ! echo '$out' | grep -q 'cityinv.conf:'"

echo "1..$n"
[ "$fails" -eq 0 ]
