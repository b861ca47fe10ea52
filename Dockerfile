# Dockerfile: one image for the FastCGI processes, the worker and the migrations (a
# deployment; `make run` is the local way).  docker-compose.yml runs it three times with
# different commands; each reads /etc/cityinv/cityinv.conf (docker/cityinv.conf, mounted)
# and its secrets from the environment (CITYINV_DB_PASSWORD, CITYINV_REDIS_PASSWORD).
# Build: docker-compose build   (or: docker build -t cityinv .)

# ---- build: the compiler and the -dev packages, then `make all` into /src/build
FROM debian:12-slim AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       gcc make libc6-dev libfcgi-dev libmariadb-dev libhiredis-dev libxlsxwriter-dev \
       libargon2-dev libcsv-dev libutf8proc-dev libcmark-dev libzip-dev libexpat1-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what `make all` reads (tests/deploy/compose_test.sh builds from exactly these paths).
COPY Makefile ./
COPY shared shared
COPY web web
COPY worker worker
RUN make -j"$(nproc)" all

# ---- runtime: the shared libraries only, the three programs, the schema, the static files
FROM debian:12-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       libfcgi0ldbl libmariadb3 libhiredis0.14 libxlsxwriter4 libargon2-1 libcsv3 \
       libutf8proc2 libcmark0.30.2 libzip4 libexpat1 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 cityinv \
    && useradd --system --uid 10001 --gid cityinv --home-dir /var/lib/cityinv \
       --no-create-home --shell /usr/sbin/nologin cityinv \
    && mkdir -p /var/lib/cityinv/files /etc/cityinv /usr/share/cityinv /run/cityinv \
    && chown cityinv:cityinv /var/lib/cityinv /var/lib/cityinv/files /run/cityinv
COPY --from=build /src/build/cityinv-web /src/build/cityinv-worker /src/build/cityinv-admin \
     /usr/local/bin/
# The schema and the reference data (migrations/data); never the demo data
# (migrations/demo/ is also in .dockerignore, so it is not even in the build context).
COPY migrations/*.sql /usr/share/cityinv/migrations/
COPY migrations/data /usr/share/cityinv/migrations/data
COPY web/static /usr/share/cityinv/static
USER cityinv
WORKDIR /var/lib/cityinv
ENV CITYINV_CONFIG=/etc/cityinv/cityinv.conf
# The FastCGI port of cityinv-web (web_socket in docker/cityinv.conf); never publish it.
EXPOSE 9000 9001
CMD ["cityinv-web", "-c", "/etc/cityinv/cityinv.conf"]
