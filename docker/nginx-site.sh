#!/bin/sh
# nginx-site.sh: renders nginx/cityinv-site.conf.in (the same template as the local stack)
# into the nginx container's config at start (run from /docker-entrypoint.d/).
#   nginx-site.sh [TEMPLATE] [OUTPUT] [FASTCGI]
set -eu
template=${1:-/etc/cityinv/cityinv-site.conf.in}
out=${2:-/etc/nginx/conf.d/default.conf}
fastcgi=${3:-${CITYINV_FASTCGI:-web:9000}}
sed -e "s|@LISTEN@|8080|" -e "s|@STATIC@|/usr/share/cityinv/static|" \
    -e "s|@FILES@|/var/lib/cityinv/files|" -e "s|@FASTCGI@|$fastcgi|" "$template" >"$out"
