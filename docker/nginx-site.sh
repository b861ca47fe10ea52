#!/bin/sh
# nginx-site.sh: writes the nginx container's site config from nginx/cityinv-site.conf.in, the
# template of the local stack (scripts/stack.sh), so both keep the same security headers, the
# same internal /_files/ location (X-Accel-Redirect) and the same body limits.
# docker-compose.yml mounts it as /docker-entrypoint.d/40-cityinv-site.sh: the nginx image's
# entrypoint runs it as root before nginx starts (it must stay executable).
#   nginx-site.sh [TEMPLATE [OUTPUT [FASTCGI [HEALTH]]]]
# FASTCGI defaults to $CITYINV_FASTCGI, then web:9000 (the web service, web_socket in
# docker/cityinv.conf); HEALTH to $CITYINV_HEALTH_FASTCGI, then web:9001 (health_socket).
# The paths are the mount points of docker-compose.yml.
set -eu
template=${1:-/etc/cityinv/cityinv-site.conf.in}
out=${2:-/etc/nginx/conf.d/default.conf}
fastcgi=${3:-${CITYINV_FASTCGI:-web:9000}}
health=${4:-${CITYINV_HEALTH_FASTCGI:-web:9001}}
sed -e "s|@LISTEN@|8080|" -e "s|@STATIC@|/usr/share/cityinv/static|" \
    -e "s|@FILES@|/var/lib/cityinv/files|" -e "s|@FASTCGI@|$fastcgi|" -e "s|@HEALTH@|$health|" -e "s|@LOGIN_EXEMPT@||" "$template" >"$out.tmp"
if grep -n '@[A-Z_]*@' "$out.tmp" >&2; then
	echo "nginx-site.sh: $template has a placeholder this script does not fill" >&2
	rm -f "$out.tmp"
	exit 1
fi
mv "$out.tmp" "$out"
echo "nginx-site.sh: wrote $out from $template (FastCGI at $fastcgi, /healthz at $health)"
