#!/bin/sh
# nginx-site.sh: writes nginx's site config from nginx/cityinv-site.conf.in, the one template
# of every nginx in front of cityinv, so all keep the same security headers, the same internal
# /_files/ location (X-Accel-Redirect), the same body limits and the same client address.
# Used by the nginx container (docker-compose.yml mounts it as
# /docker-entrypoint.d/40-cityinv-site.sh: the image's entrypoint runs it as root before nginx
# starts, so it must stay executable), by scripts/stack.sh and on a host after `make install`.
#   nginx-site.sh [TEMPLATE [OUTPUT [FASTCGI [HEALTH]]]]
# FASTCGI defaults to $CITYINV_FASTCGI, then cityinv-fcgi:9000 (web_socket in
# docker/cityinv.conf); HEALTH, where /healthz goes, to $CITYINV_HEALTH_FASTCGI, then to
# FASTCGI's path with ".health" for a unix: FASTCGI (the programs' own default for
# health_socket), else cityinv-fcgi:9001 (health_socket in docker/cityinv.conf).  The rest comes from the environment; the defaults are the nginx
# container's mount points in docker-compose.yml:
#   CITYINV_SETTINGS      the settings file (/etc/cityinv/cityinv.conf): its trusted_proxies
#                         become set_real_ip_from lines, so nginx and the application trust
#                         the same proxies
#   CITYINV_LISTEN        8080            CITYINV_STATIC  /usr/share/cityinv/static
#   CITYINV_FILES         /var/lib/cityinv/files
#   CITYINV_LOGIN_EXEMPT  geo lines of addresses nginx never login-limits (none)
set -eu
template=${1:-/etc/cityinv/cityinv-site.conf.in}
out=${2:-/etc/nginx/conf.d/default.conf}
fastcgi=${3:-${CITYINV_FASTCGI:-cityinv-fcgi:9000}}
health=${4:-${CITYINV_HEALTH_FASTCGI:-}}
if [ -z "$health" ]; then
	case $fastcgi in
	unix:*) health=$fastcgi.health ;;
	*) health=cityinv-fcgi:9001 ;;
	esac
fi
settings=${CITYINV_SETTINGS:-/etc/cityinv/cityinv.conf}

if [ ! -r "$settings" ]; then
	echo "nginx-site.sh: cannot read the settings file $settings (CITYINV_SETTINGS)" >&2
	exit 1
fi
# trusted_proxies: networks separated by commas or spaces.  shared/config.c checks them fully
# when the programs start; here only that nothing but an address can reach nginx's config.
proxies=$(sed -n 's/^[[:space:]]*trusted_proxies[[:space:]]*=//p' "$settings" | tr ',\t' '  ')
real_ip=""
list=""
set -f
for p in $proxies; do
	case $p in
	*[!0-9A-Fa-f:./]* | */*/*)
		echo "nginx-site.sh: $settings: trusted_proxies: '$p' is not an address or network" >&2
		exit 1
		;;
	esac
	real_ip="${real_ip}set_real_ip_from $p; "
	list="${list:+$list }$p"
done
set +f
if [ -n "$real_ip" ]; then
	real_ip="${real_ip}real_ip_header X-Forwarded-For; real_ip_recursive on;"
else
	real_ip="# trusted_proxies is empty: \$remote_addr is the connecting address"
fi

sed -e "s|@LISTEN@|${CITYINV_LISTEN:-8080}|" -e "s|@STATIC@|${CITYINV_STATIC:-/usr/share/cityinv/static}|" \
    -e "s|@FILES@|${CITYINV_FILES:-/var/lib/cityinv/files}|" -e "s|@FASTCGI@|$fastcgi|" -e "s|@HEALTH@|$health|" \
    -e "s|@LOGIN_EXEMPT@|${CITYINV_LOGIN_EXEMPT:-}|" -e "s|@REAL_IP@|$real_ip|" "$template" >"$out.tmp"
if grep -n '@[A-Z_]*@' "$out.tmp" >&2; then
	echo "nginx-site.sh: $template has a placeholder this script does not fill" >&2
	rm -f "$out.tmp"
	exit 1
fi
mv "$out.tmp" "$out"
echo "nginx-site.sh: wrote $out from $template (FastCGI at $fastcgi, /healthz at $health; trusted proxies: ${list:-none})"
