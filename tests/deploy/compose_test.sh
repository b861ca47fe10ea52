#!/bin/bash
# compose_test.sh: the deployment files (Dockerfile, docker-compose.yml, .dockerignore,
# docker/), checked without a Docker engine:
#   - docker-compose config resolves docker-compose.yml (services, volumes, waits, mounts),
#     and refuses to when a secret is missing; web, worker and nginx share the files volume at
#     files_dir; the FastCGI port is bound to web's alias on an internal network of web and
#     nginx alone (and cityinv-web binds NAME:PORT to NAME's address only);
#   - trusted_proxies of docker/cityinv.conf reaches the nginx container's real_ip (nginx
#     mounts the same file) and the app's parser; anything but addresses is refused;
#   - the app's cookies are Secure with docker/cityinv.conf (cookie_secure = yes);
#   - the nginx container's site config, rendered by the container's own script from the
#     shared template, passes nginx -t and keeps the template's headers and locations;
#   - docker/cityinv.conf passes the programs' own settings parser (cityinv-admin then
#     fails only on connecting to a database that is not there) and agrees with the compose
#     file and the Dockerfile;
#   - the Dockerfile's build stage copies enough for `make all`, its runtime stage installs
#     the libraries the programs need, and no demo data gets into the image.
# Works from any directory (it moves to the repository root); prints TAP, exits non-zero on
# failure.  Needs docker-compose (Debian's package), nginx, python3 (with yaml, a
# docker-compose dependency), make and cc; dpkg and apt-cache for the package checks
# (skipped without them).
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# shellcheck source=tap.sh
. tests/deploy/tap.sh

TMP=$(mktemp -d "${TMPDIR:-/tmp}/cityinv-deploy.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# Dummy secrets; an empty env file so that a developer's .env plays no part.
DB_PW=dummy-db-secret
REDIS_PW=dummy-redis-secret
ROOT_PW=dummy-root-secret
: >"$TMP/empty.env"
compose() { # compose [VAR=value...]: docker-compose config with exactly these secrets
	env -u CITYINV_DB_PASSWORD -u CITYINV_REDIS_PASSWORD -u MYSQL_ROOT_PASSWORD \
	    -u CITYINV_HTTP_PORT -u COMPOSE_FILE -u COMPOSE_PROJECT_NAME "$@" \
	    docker-compose --env-file "$TMP/empty.env" -f docker-compose.yml config
}
ALL_SECRETS=("CITYINV_DB_PASSWORD=$DB_PW" "CITYINV_REDIS_PASSWORD=$REDIS_PW" "MYSQL_ROOT_PASSWORD=$ROOT_PW")

# q DESCRIPTION PYTHON-EXPRESSION: a check of the files as data.  In the expression:
#   s        the services of the resolved config (`docker-compose config`), c the whole of it
#   raw      docker-compose.yml as written (before interpolation)
#            (both read from the JSON copies made after `docker-compose config` below)
#   conf     docker/cityinv.conf as a dict;  tmpl  the nginx template's lines
#   site     the rendered container site config's lines (default upstream)
#   df       the Dockerfile's lines (continuations joined), stages: a list of their lists
#   vols(svc) -> [(source, target, mode)];  env(svc) -> dict;  dep(svc, on) -> condition
#   cmd(svc) -> the command as a list;  nets(svc) -> {network: [aliases]};  members(net) -> {svc}
q() {
	local d=$1 out
	if out=$(python3 - "$2" "$TMP" 2>&1 <<'PY'
import json, sys
expr, tmp = sys.argv[1], sys.argv[2]
def load(p):
    try:
        return json.load(open(p)) or {}
    except (OSError, ValueError):
        return {}
c = load(tmp + "/config.json")
s = c.get("services") or {}
raw = load(tmp + "/raw.json")
conf = {}
for line in open("docker/cityinv.conf"):
    line = line.strip()
    if line and not line.startswith("#") and "=" in line:
        k, v = line.split("=", 1)
        conf[k.strip()] = v.strip()
tmpl = open("nginx/cityinv-site.conf.in").read().splitlines()
try:
    site = open(tmp + "/site-default.conf").read().splitlines()
except OSError:
    site = []
df = open("Dockerfile").read().replace("\\\n", " ").splitlines()
df = [l.strip() for l in df if l.strip() and not l.strip().startswith("#")]
stages = []
for l in df:
    if l.upper().startswith("FROM "):
        stages.append([])
    if stages:
        stages[-1].append(l)
def vols(svc):
    out = []
    for v in (s.get(svc) or {}).get("volumes") or []:
        if isinstance(v, dict):
            out.append((v.get("source"), v.get("target"), "ro" if v.get("read_only") else "rw"))
        else:
            p = v.split(":")
            out.append((p[0], p[1] if len(p) > 1 else p[0], p[2] if len(p) > 2 else "rw"))
    return out
def env(svc):
    e = (s.get(svc) or {}).get("environment") or {}
    if isinstance(e, list):
        e = dict(x.split("=", 1) for x in e)
    return e
def dep(svc, on):
    d = (s.get(svc) or {}).get("depends_on") or {}
    if isinstance(d, list):
        return "service_started" if on in d else None
    return (d.get(on) or {}).get("condition")
def cmd(svc):
    x = (s.get(svc) or {}).get("command")
    return x.split() if isinstance(x, str) else (x or [])
def nets(svc):
    n = (s.get(svc) or {}).get("networks") or {"default": None}
    if isinstance(n, list):
        n = {k: None for k in n}
    return {k: list((v or {}).get("aliases") or []) for k, v in n.items()}
def members(net):
    return {x for x in s if net in nets(x)}
ok = eval("(" + expr + "\n)")
if not ok:
    print("false: " + expr)
    sys.exit(1)
PY
	); then pass "$d"; else fail "$d" "$out"; fi
}

# ---- 1. docker-compose config ------------------------------------------------------------
if ! command -v docker-compose >/dev/null 2>&1; then
	fail "docker-compose is installed (scripts/deps.sh test installs it)"
fi
if compose "${ALL_SECRETS[@]}" >"$TMP/config.yml" 2>"$TMP/config.err"; then
	pass "docker-compose config resolves docker-compose.yml with the secrets set"
else
	fail "docker-compose config resolves docker-compose.yml with the secrets set" "$(cat "$TMP/config.err")"
fi
# Both as JSON once (importing yaml in every check below would be slow).
python3 - "$TMP" <<'PY'
import json, sys, yaml
tmp = sys.argv[1]
for src, dst in ((tmp + "/config.yml", tmp + "/config.json"), ("docker-compose.yml", tmp + "/raw.json")):
    try:
        data = yaml.safe_load(open(src)) or {}
    except Exception as e:
        print("# cannot read %s: %s" % (src, e))
        data = {}
    json.dump(data, open(dst, "w"))
PY
for svc in mysql redis migrate web worker exporter quality nginx; do
	q "service $svc is defined" "'$svc' in s"
done
q "no other service" "set(s) == {'mysql', 'redis', 'migrate', 'web', 'worker', 'exporter', 'quality', 'nginx'}"
for vol in db files epoch; do
	q "named volume $vol is declared" "'$vol' in (c.get('volumes') or {})"
done
# (log-bin-trust-function-creators: the migrations create a trigger, which MySQL 8, with its
# default binary log, allows a user without SUPER only with it.)
q "mysql: MySQL 8.0, utf8mb4 server settings, triggers allowed, data on the db volume, a health check" \
  "s['mysql']['image'].startswith('mysql:8.0')
   and '--character-set-server=utf8mb4' in cmd('mysql')
   and '--collation-server=utf8mb4_unicode_ci' in cmd('mysql')
   and '--log-bin-trust-function-creators=1' in cmd('mysql')
   and ('db', '/var/lib/mysql', 'rw') in vols('mysql')
   and 'test' in s['mysql'].get('healthcheck', {})"
q "mysql: creates the cityinv database and user with the password from the environment" \
  "env('mysql').get('MYSQL_DATABASE') == conf['db_name'] and env('mysql').get('MYSQL_USER') == conf['db_user']
   and env('mysql').get('MYSQL_PASSWORD') == '$DB_PW' and env('mysql').get('MYSQL_ROOT_PASSWORD') == '$ROOT_PW'"
q "redis: Redis 7, --requirepass from the environment, a health check" \
  "s['redis']['image'].startswith('redis:7')
   and cmd('redis')[cmd('redis').index('--requirepass') + 1] == '$REDIS_PW'
   and 'test' in s['redis'].get('healthcheck', {})"
q "redis: the health check does not put the password in its arguments" \
  "'$REDIS_PW' not in str(s['redis']['healthcheck']['test'])"
q "migrate: cityinv-admin -c /etc/cityinv/cityinv.conf migrate, once, after mysql is healthy" \
  "cmd('migrate') == ['cityinv-admin', '-c', '/etc/cityinv/cityinv.conf', 'migrate']
   and dep('migrate', 'mysql') == 'service_healthy'
   and str(s['migrate'].get('restart')) in ('no', 'False')"
q "web: cityinv-web, after the migrations succeeded and redis is healthy" \
  "cmd('web') == ['cityinv-web', '-c', '/etc/cityinv/cityinv.conf']
   and dep('web', 'migrate') == 'service_completed_successfully'
   and dep('web', 'redis') == 'service_healthy'"
q "worker: cityinv-worker, after the migrations succeeded and redis is healthy" \
  "cmd('worker') == ['cityinv-worker', '-c', '/etc/cityinv/cityinv.conf']
   and dep('worker', 'migrate') == 'service_completed_successfully'
   and dep('worker', 'redis') == 'service_healthy'"
q "exporter: cityinv-worker -q exports, after the migrations succeeded and redis is healthy" \
  "cmd('exporter') == ['cityinv-worker', '-c', '/etc/cityinv/cityinv.conf', '-q', 'exports']
   and dep('exporter', 'migrate') == 'service_completed_successfully'
   and dep('exporter', 'redis') == 'service_healthy'"
q "quality: cityinv-worker -q quality, after the migrations succeeded and redis is healthy" \
  "cmd('quality') == ['cityinv-worker', '-c', '/etc/cityinv/cityinv.conf', '-q', 'quality']
   and dep('quality', 'migrate') == 'service_completed_successfully'
   and dep('quality', 'redis') == 'service_healthy'"
q "migrate, web and the workers run the one app image with docker/cityinv.conf mounted read-only" \
  "all(s[x].get('image') == s['web'].get('image') and s[x].get('build')
       and any(src.endswith('/docker/cityinv.conf') and tgt == '/etc/cityinv/cityinv.conf' and m == 'ro'
               for src, tgt, m in vols(x))
       for x in ('migrate', 'web', 'worker', 'exporter', 'quality'))"
q "the workers write the files volume at files_dir (cityinv-worker -e builds an export in either)" \
  "all(('files', conf['files_dir'], 'rw') in vols(x) for x in ('worker', 'exporter'))"
q "web writes the files volume at files_dir too (the files of 資訊下載 go to files_dir/downloads)" \
  "('files', conf['files_dir'], 'rw') in vols('web')"
q "web, the workers and nginx mount the one files volume at the same path, files_dir" \
  "{tgt for x in ('web', 'worker', 'exporter', 'nginx') for src, tgt, m in vols(x) if src == 'files'} == {conf['files_dir']}
   and all(any(src == 'files' for src, tgt, m in vols(x)) for x in ('web', 'worker', 'exporter', 'nginx'))"
q "migrate, web and every worker mount the epoch volume where epoch_file is (one write epoch for all)" \
  "conf['epoch_file'].startswith('/run/cityinv/') and all(('epoch', '/run/cityinv', 'rw') in vols(x) for x in ('migrate', 'web', 'worker', 'exporter', 'quality'))"
q "the Dockerfile makes the epoch volume's directory the app user's (a new volume takes its owner)" \
  "any('/run/cityinv' in l and 'chown cityinv:cityinv' in l for l in df)"
q "nginx mounts the files volume and the static files read-only" \
  "('files', conf['files_dir'], 'ro') in vols('nginx')
   and any(src.endswith('/web/static') and m == 'ro' for src, tgt, m in vols('nginx'))"
q "nginx publishes 8080 and starts after web" \
  "any(str(p.get('target') if isinstance(p, dict) else p).endswith('8080') for p in s['nginx'].get('ports', []))
   and dep('nginx', 'web') is not None"
q "only nginx publishes a port (MySQL, Redis and FastCGI stay inside the network)" \
  "[x for x in s if s[x].get('ports')] == ['nginx']"
q "the app gets its secrets from the environment" \
  "all(env(x).get('CITYINV_DB_PASSWORD') == '$DB_PW' and env(x).get('CITYINV_REDIS_PASSWORD') == '$REDIS_PW'
       for x in ('migrate', 'web', 'worker', 'exporter'))"
q "docker-compose.yml holds no secret: each one is \${VAR:?message}" \
  "all(str(v).startswith('\${') and ':?' in str(v)
       for svc in raw['services'].values() for k, v in (svc.get('environment') or {}).items()
       if 'PASSWORD' in k or 'AUTH' in k)
   and all(str(v).startswith('\${') and ':?' in str(v)
       for k, v in (raw['x-app'].get('environment') or {}).items() if 'PASSWORD' in k)
   and '\${CITYINV_REDIS_PASSWORD:?' in ' '.join(raw['services']['redis']['command'])"
q "every host path mounted exists in the repository" \
  "all(__import__('os').path.exists(src) and src.startswith('$ROOT/')
       for x in s for src, tgt, m in vols(x) if src.startswith('/'))"

# ---- 2. a missing secret stops docker-compose ---------------------------------------------
for var in CITYINV_DB_PASSWORD CITYINV_REDIS_PASSWORD MYSQL_ROOT_PASSWORD; do
	others=()
	for kv in "${ALL_SECRETS[@]}"; do
		[ "${kv%%=*}" = "$var" ] || others+=("$kv")
	done
	if compose "${others[@]}" >"$TMP/missing.out" 2>"$TMP/missing.err"; then
		fail "docker-compose config fails without $var" "it succeeded"
	elif grep -q "$var" "$TMP/missing.err"; then
		pass "docker-compose config fails without $var, and names it"
	else
		fail "docker-compose config fails without $var, and names it" "$(cat "$TMP/missing.err")"
	fi
done
if compose "${ALL_SECRETS[@]/#CITYINV_DB_PASSWORD=*/CITYINV_DB_PASSWORD=}" >/dev/null 2>"$TMP/empty.err"; then
	fail "docker-compose config fails with an empty CITYINV_DB_PASSWORD" "it succeeded"
else
	pass "docker-compose config fails with an empty CITYINV_DB_PASSWORD"
fi

# ---- 3. the nginx container's site config --------------------------------------------------
# Rendered by the script the container runs (docker/nginx-site.sh) from the shared template:
# once as the container would (upstream web:9000) for the content checks, once with the
# upstream replaced by 127.0.0.1:9000 for nginx -t, because nginx resolves the upstream's
# name when it loads the config and "web" exists only inside the compose network.
t "docker/nginx-site.sh is executable (the nginx image skips scripts that are not)" \
  test -x docker/nginx-site.sh
# (The container reads the settings at /etc/cityinv/cityinv.conf, where compose mounts
# docker/cityinv.conf: CITYINV_SETTINGS points the script at the file itself.)
t "docker/nginx-site.sh renders the template as the container would" \
  env -u CITYINV_FASTCGI -u CITYINV_HEALTH_FASTCGI CITYINV_SETTINGS=docker/cityinv.conf sh docker/nginx-site.sh nginx/cityinv-site.conf.in "$TMP/site-default.conf"
mkdir -p "$TMP/nginx/logs" "$TMP/nginx/tmp"
t "docker/nginx-site.sh renders it with a local upstream for nginx -t" \
  env CITYINV_SETTINGS=docker/cityinv.conf sh docker/nginx-site.sh nginx/cityinv-site.conf.in "$TMP/nginx/site.conf" 127.0.0.1:9000 127.0.0.1:9001
# A throwaway main config like the nginx image's own: the site file is included in http {}.
cat >"$TMP/nginx/nginx.conf" <<CONF
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log;
events {}
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	client_body_temp_path $TMP/nginx/tmp/body;
	fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
	proxy_temp_path $TMP/nginx/tmp/proxy;
	uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
	scgi_temp_path $TMP/nginx/tmp/scgi;
	include $TMP/nginx/site.conf;
}
CONF
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
	NGINX=$(command -v nginx || echo /usr/sbin/nginx)
	t "the container's site config passes nginx -t" \
	  "$NGINX" -t -q -p "$TMP/nginx" -e "$TMP/nginx/logs/error.log" -c "$TMP/nginx/nginx.conf"
else
	fail "the container's site config passes nginx -t" "nginx is not installed (scripts/deps.sh)"
fi

# Trusted proxies: one setting in docker/cityinv.conf, read by the app and rendered by the
# nginx container into real_ip (it mounts the same file where the script reads it).
q "nginx mounts the app's settings file where docker/nginx-site.sh reads it" \
  "all(any(src == '$ROOT/docker/cityinv.conf' and tgt == '/etc/cityinv/cityinv.conf' and m == 'ro' for src, tgt, m in vols(x))
       for x in ('nginx', 'web', 'worker'))
   and 'CITYINV_SETTINGS:-/etc/cityinv/cityinv.conf}' in open('docker/nginx-site.sh').read()"
q "docker/cityinv.conf ships trusted_proxies empty, and then nginx trusts nobody's X-Forwarded-For" \
  "'trusted_proxies' in conf and conf['trusted_proxies'] == ''
   and not any('set_real_ip_from' in l or 'real_ip_header' in l for l in site if not l.lstrip().startswith('#'))"
sed 's|^trusted_proxies =.*|trusted_proxies = 10.0.0.0/8, 192.0.2.7|' docker/cityinv.conf >"$TMP/proxied.conf"
t "a trusted_proxies value is rendered into the container's nginx" \
  env CITYINV_SETTINGS="$TMP/proxied.conf" sh docker/nginx-site.sh nginx/cityinv-site.conf.in "$TMP/nginx/site.conf" 127.0.0.1:9000 127.0.0.1:9001
t "as set_real_ip_from for each, X-Forwarded-For, recursive" \
  grep -qx 'set_real_ip_from 10.0.0.0/8; set_real_ip_from 192.0.2.7; real_ip_header X-Forwarded-For; real_ip_recursive on;' "$TMP/nginx/site.conf"
if [ -n "${NGINX:-}" ]; then
	t "that config passes nginx -t (nginx's real_ip module)" \
	  "$NGINX" -t -q -p "$TMP/nginx" -e "$TMP/nginx/logs/error.log" -c "$TMP/nginx/nginx.conf"
fi
sed 's|^trusted_proxies =.*|trusted_proxies = 10.0.0.0/8; include /etc/passwd|' docker/cityinv.conf >"$TMP/evil.conf"
if env CITYINV_SETTINGS="$TMP/evil.conf" sh docker/nginx-site.sh nginx/cityinv-site.conf.in "$TMP/evil-site.conf" >/dev/null 2>&1 ||
   [ -e "$TMP/evil-site.conf" ]; then
	fail "a trusted_proxies value that is not addresses never reaches nginx's config"
else
	pass "a trusted_proxies value that is not addresses never reaches nginx's config"
fi
q "it is the template with only the placeholder lines filled in (headers, limits, locations kept)" \
  "len(site) == len(tmpl) and site != tmpl
   and all(a == b or '@' in a for a, b in zip(tmpl, site))
   and not any('@' in l and l.count('@') >= 2 and not l.lstrip().startswith('#') for l in site)"
q "it keeps the template's security headers" \
  "[l for l in site if 'add_header' in l] == [l for l in tmpl if 'add_header' in l]
   and sum('add_header' in l for l in site) >= 5
   and any(\"frame-ancestors 'none'\" in l for l in site)"
q "it keeps the body limit" \
  "[l for l in site if 'client_max_body_size' in l] == [l for l in tmpl if 'client_max_body_size' in l] != []"
q "/_files/ is internal (X-Accel-Redirect only) and aliased to files_dir" \
  "(lambda b: 'internal;' in b and 'alias ' + conf['files_dir'] + '/;' in b)(
       ' '.join(l.strip() for l in site[[i for i, l in enumerate(site) if 'location /_files/' in l][0]:][:6]))"
q "/static/ is aliased to where nginx mounts web/static" \
  "any(l.strip() == 'alias ' + tgt + '/;' for l in site for src, tgt, m in vols('nginx') if src.endswith('/web/static'))"
q "nginx listens on 8080 and passes to web at web_socket (the script's default and compose's setting)" \
  "'listen 8080;' in [l.strip() for l in site]
   and 'fastcgi_pass ' + conf['web_socket'] + ';' in [l.strip() for l in site]
   and env('nginx').get('CITYINV_FASTCGI') == conf['web_socket']
   and conf['web_socket'].rsplit(':', 1)[1] in [str(p) for p in s['web'].get('expose', [])]"
q "compose mounts the shared template itself (not a copy) and the script into /docker-entrypoint.d/" \
  "any(src == '$ROOT/nginx/cityinv-site.conf.in' and tgt == '/etc/cityinv/cityinv-site.conf.in' for src, tgt, m in vols('nginx'))
   and any(src == '$ROOT/docker/nginx-site.sh' and tgt.startswith('/docker-entrypoint.d/') and tgt.endswith('.sh')
           for src, tgt, m in vols('nginx'))"

# ---- 4. docker/cityinv.conf and the real settings parser --------------------------------
if [ ! -x build/cityinv-admin ]; then
	make -s all >"$TMP/make.log" 2>&1
fi
if [ -x build/cityinv-admin ]; then
	pass "build/cityinv-admin is built"
	# The settings are read before connecting: a settings error is "fatal: FILE:LINE: reason"
	# (or "fatal: FILE: reason"), the missing database is "cannot connect to the database".
	out=$(env -u CITYINV_CONFIG -u CITYINV_REDIS_PASSWORD CITYINV_DB_PASSWORD=x \
		timeout 30 build/cityinv-admin -c docker/cityinv.conf migrate 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] && [[ $out == *"cannot connect to the database"* ]] &&
	   [[ $out != *"fatal: docker/cityinv.conf"* ]]; then
		pass "docker/cityinv.conf passes the settings parser (migrate then fails only on connecting)"
	else
		fail "docker/cityinv.conf passes the settings parser (migrate then fails only on connecting)" "exit $rc: $out"
	fi
	# The same run on a copy with an unknown key must stop at the settings: the check above
	# can tell the two failures apart.
	cp docker/cityinv.conf "$TMP/bad.conf"
	echo "no_such_setting = 1" >>"$TMP/bad.conf"
	out=$(CITYINV_DB_PASSWORD=x timeout 30 build/cityinv-admin -c "$TMP/bad.conf" migrate 2>&1)
	if [[ $out == *"fatal: $TMP/bad.conf:"[0-9]*": unknown setting"* ]] &&
	   [[ $out != *"cannot connect"* ]]; then
		pass "a settings error is told apart (an unknown key stops it before connecting)"
	else
		fail "a settings error is told apart (an unknown key stops it before connecting)" "$out"
	fi
	out=$(env -u CITYINV_CONFIG -u CITYINV_REDIS_PASSWORD CITYINV_DB_PASSWORD=x \
		timeout 30 build/cityinv-admin -c "$TMP/proxied.conf" migrate 2>&1)
	if [[ $out == *"cannot connect to the database"* ]] && [[ $out != *"fatal: $TMP/proxied.conf"* ]]; then
		pass "the app reads the same trusted_proxies value (it passes the settings parser)"
	else
		fail "the app reads the same trusted_proxies value (it passes the settings parser)" "$out"
	fi
	# One request of the web binary as a CGI with these settings (no database: an error page,
	# but the CSRF cookie is set all the same): over plain http behind the TLS proxy, Secure.
	out=$(env -u HTTPS CITYINV_DB_PASSWORD=x GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET REQUEST_URI=/ \
		DOCUMENT_URI=/ REMOTE_ADDR=192.0.2.1 timeout 30 build/cityinv-web -c docker/cityinv.conf 2>/dev/null | tr -d '\r')
	if grep -Eq '^Set-Cookie: cityinv_csrf=[0-9a-f]{64};.*; Secure(;|$)' <<<"$out"; then
		pass "with docker/cityinv.conf the app's cookies are Secure"
	else
		fail "with docker/cityinv.conf the app's cookies are Secure" "$(grep -i '^set-cookie' <<<"$out")"
	fi
	grep -v '^cookie_secure' docker/cityinv.conf >"$TMP/nosecure.conf"
	out=$(env -u HTTPS CITYINV_DB_PASSWORD=x GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET REQUEST_URI=/ \
		DOCUMENT_URI=/ REMOTE_ADDR=192.0.2.1 timeout 30 build/cityinv-web -c "$TMP/nosecure.conf" 2>/dev/null | tr -d '\r')
	if grep -Eq '^Set-Cookie: cityinv_csrf=[0-9a-f]{64};.*; Secure(;|$)' <<<"$out"; then
		pass "without a cookie_secure line too (the built-in default is yes)"
	else
		fail "without a cookie_secure line too (the built-in default is yes)" "$(grep -i '^set-cookie' <<<"$out")"
	fi
else
	fail "build/cityinv-admin is built" "$(tail -20 "$TMP/make.log" 2>/dev/null)"
fi
q "docker/cityinv.conf: cookie_secure = yes (the deployment is behind TLS)" \
  "conf.get('cookie_secure') == 'yes'"
q "the settings name the compose services and their ports" \
  "conf.get('db_host') in s and conf.get('db_port', '3306') == '3306'
   and conf.get('redis_host') in s and conf.get('redis_port', '6379') == '6379'
   and not conf.get('db_socket') and not conf.get('redis_socket')"
q "web_socket is TCP on a named address, not on every address of the container" \
  "conf['web_socket'].rsplit(':', 1)[1].isdigit()
   and conf['web_socket'].rsplit(':', 1)[0] not in ('', '0.0.0.0', '*', '::', '[::]')"
q "that name is web's alias on an internal network that only web and nginx are on" \
  "[n for n, al in nets('web').items() if conf['web_socket'].rsplit(':', 1)[0] in al] == ['fastcgi']
   and (c.get('networks') or {}).get('fastcgi', {}).get('internal') is True
   and members('fastcgi') == {'web', 'nginx'}"
q "nginx is not on the network of MySQL and Redis; only nginx is on the published one" \
  "'default' not in nets('nginx') and members('front') == {'nginx'}
   and {'mysql', 'redis'} <= members('default') and not ({'mysql', 'redis'} & (members('fastcgi') | members('front')))"
# libfcgi binds a host:port web_socket to that host's address (in the container: web's address
# on the fastcgi network), never to every address: shown with localhost here.
if [ -x build/cityinv-web ] && command -v ss >/dev/null 2>&1; then
	fport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	hport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	printf 'web_socket = localhost:%s\nhealth_socket = localhost:%s\nweb_processes = 1\ndb_socket = /nonexistent\nredis_socket = /nonexistent\n' "$fport" "$hport" >"$TMP/bind.conf"
	build/cityinv-web -c "$TMP/bind.conf" >"$TMP/bind.log" 2>&1 &
	wpid=$!
	listen=""
	for _ in $(seq 1 100); do
		listen=$(ss -Hltn "sport = :$fport" | awk '{print $4}')
		[ -n "$listen" ] && break
		sleep 0.1
	done
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	if [ "$listen" = "127.0.0.1:$fport" ]; then
		pass "cityinv-web with web_socket = NAME:PORT listens on NAME's address only"
	else
		fail "cityinv-web with web_socket = NAME:PORT listens on NAME's address only" "listening on: ${listen:-nothing} ($(cat "$TMP/bind.log"))"
	fi
else
	fail "cityinv-web with web_socket = NAME:PORT listens on NAME's address only" "no build/cityinv-web or no ss"
fi
q "/healthz goes to health_socket, a port of the same alias that web exposes" \
  "conf['health_socket'].rsplit(':', 1)[0] == conf['web_socket'].rsplit(':', 1)[0]
   and conf['health_socket'].rsplit(':', 1)[1] in [str(p) for p in s['web'].get('expose', [])]
   and any(l.strip() == 'fastcgi_pass ' + conf['health_socket'] + ';' for l in site)"
q "migrations_dir is where the image has the migrations" \
  "any(l.split()[0] == 'COPY' and l.split()[1] == 'migrations/*.sql' and l.split()[-1].rstrip('/') == conf['migrations_dir']
       for l in stages[-1])
   and any(l.split()[1] == 'migrations/data' and l.split()[-1] == conf['migrations_dir'] + '/data'
           for l in stages[-1] if l.startswith('COPY'))"

# ---- 5. the Dockerfile ----------------------------------------------------------------------
q "multi-stage on debian:12-slim; the runtime runs as a user that is not root" \
  "len(stages) >= 2 and all(st[0].split()[1] == 'debian:12-slim' for st in stages)
   and [l.split()[1] for l in stages[-1] if l.startswith('USER ')][-1] not in ('root', '0')"
q "the runtime has the three programs in /usr/local/bin and the static files" \
  "any(l.startswith('COPY --from=') and all('/cityinv-' + p in l for p in ('web', 'worker', 'admin'))
       and l.split()[-1].rstrip('/') == '/usr/local/bin' for l in stages[-1])
   and any(l.split()[1:] == ['web/static', '/usr/share/cityinv/static'] for l in stages[-1] if l.startswith('COPY '))"
q "no demo data in the image: .dockerignore drops migrations/demo, the Dockerfile copies only *.sql and data/" \
  "'migrations/demo' in [l.strip().rstrip('/') for l in open('.dockerignore')]
   and all(src in ('migrations/*.sql', 'migrations/data')
           for l in df if l.startswith('COPY ') and '--from=' not in l
           for src in l.split()[1:-1] if src.startswith('migrations'))
   and not any(l.startswith('COPY ') and ('demo' in l or l.split()[1] in ('.', './', 'migrations', 'migrations/'))
               for l in df)"
q "secrets files stay out of the build context" \
  "{'.env', 'var'} <= {l.strip() for l in open('.dockerignore')}"

# The build stage, rehearsed: exactly what it COPYs, then `make all`.
if python3 - "$TMP/src" >"$TMP/stage.log" 2>&1 <<'PY'
import glob, os, shutil, sys
dst = sys.argv[1]
os.makedirs(dst)
text = open("Dockerfile").read().replace("\\\n", " ").splitlines()
stage = 0
for l in (x.strip() for x in text):
    if l.upper().startswith("FROM "):
        stage += 1
        continue
    if stage != 1 or not l.upper().startswith("COPY ") or "--from" in l:
        continue
    *srcs, to = l.split()[1:]
    for pat in srcs:
        for src in glob.glob(pat):
            target = os.path.join(dst, to, os.path.basename(src)) if to.endswith("/") or len(srcs) > 1 \
                else os.path.join(dst, to)
            if os.path.isdir(src):
                shutil.copytree(src, target)
            else:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy2(src, target)
PY
then
	if make -C "$TMP/src" -s -j"$(nproc 2>/dev/null || echo 2)" all >"$TMP/stage-make.log" 2>&1 &&
	   [ -x "$TMP/src/build/cityinv-web" ] && [ -x "$TMP/src/build/cityinv-worker" ] &&
	   [ -x "$TMP/src/build/cityinv-admin" ]; then
		pass "the build stage copies enough for make all (rehearsed without an engine)"
	else
		fail "the build stage copies enough for make all (rehearsed without an engine)" "$(tail -30 "$TMP/stage-make.log")"
	fi
else
	fail "the build stage copies enough for make all (rehearsed without an engine)" "$(cat "$TMP/stage.log")"
fi

# The runtime stage's packages: every shared library the programs load comes from one of
# them, from one of their dependencies, or from the base image (libc6, zlib1g).
RUNTIME_PKGS=$(python3 -c '
text = open("Dockerfile").read().replace("\\\n", " ").splitlines()
stages = [[]]
for l in text:
    if l.strip().upper().startswith("FROM "):
        stages.append([])
    stages[-1].append(l)
pk = []
for l in stages[-1]:
    if "apt-get install" in l:
        seg = l.split("apt-get install", 1)[1].split("&&")[0]
        pk += [w for w in seg.split() if not w.startswith("-")]
print(" ".join(pk))')
if [ -z "$RUNTIME_PKGS" ]; then
	fail "the runtime stage installs its libraries with apt-get"
elif ! command -v dpkg-query >/dev/null 2>&1 || [ ! -x "$TMP/src/build/cityinv-web" ]; then
	skip "the runtime packages provide every library the programs load" "no dpkg or no rehearsed build"
else
	allowed=" libc6 zlib1g $RUNTIME_PKGS "
	for p in $RUNTIME_PKGS; do
		# Depends and Pre-Depends, alternatives included, as bare names on one line.
		# shellcheck disable=SC2020
		deps=$(dpkg-query -W -f='${Depends}, ${Pre-Depends}' "$p" 2>/dev/null | tr ',|' '\n\n' |
			sed -E 's/\(.*\)//; s/:any//; s/^ *//; s/ *$//' | tr '\n' ' ')
		allowed+=" $deps "
	done
	missing=""
	for lib in $(ldd "$TMP"/src/build/cityinv-* | awk '/=> \//{print $3}' | sort -u); do
		pkg=""
		for path in "$lib" "$(readlink -f "$lib")" "/usr$lib" "${lib#/usr}"; do
			pkg=$(dpkg-query -S "$path" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$pkg" ] && break
		done
		if [ -z "$pkg" ] || [[ $allowed != *" $pkg "* ]]; then
			missing+="$lib (${pkg:-no package}) "
		fi
	done
	if [ -z "$missing" ]; then
		pass "the runtime packages provide every library the programs load"
	else
		fail "the runtime packages provide every library the programs load" "not provided: $missing"
	fi
fi

# Every package named in the Dockerfile exists in Debian 12 (this machine's apt lists).
ALL_PKGS=$(python3 -c '
text = open("Dockerfile").read().replace("\\\n", " ")
pk = []
for seg in text.split("apt-get install")[1:]:
    pk += [w for w in seg.split("&&")[0].split() if not w.startswith("-")]
print(" ".join(sorted(set(pk))))')
if ! grep -q '^12' /etc/debian_version 2>/dev/null || ! apt-cache show libc6 >/dev/null 2>&1; then
	skip "every package the Dockerfile installs exists in Debian 12" "not Debian 12 or no apt lists"
else
	# One apt-cache call for all of them (it prints the ones it knows).
	# shellcheck disable=SC2086
	known=" $(apt-cache show --no-all-versions $ALL_PKGS 2>/dev/null | awk '/^Package:/{print $2}' | tr '\n' ' ') "
	unknown=""
	for p in $ALL_PKGS; do
		[[ $known == *" $p "* ]] || unknown+="$p "
	done
	if [ -z "$unknown" ]; then
		pass "every package the Dockerfile installs exists in Debian 12"
	else
		fail "every package the Dockerfile installs exists in Debian 12" "unknown: $unknown"
	fi
fi

echo "1..$n"
[ "$fails" -eq 0 ]
