# Dockerfile: one image for the web processes, the worker and the migrations (a deployment;
# `make run` is the local way).  Build: docker-compose build.
FROM debian:12-slim AS build
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      gcc make libc6-dev libfcgi-dev libmariadb-dev libhiredis-dev libxlsxwriter-dev libargon2-dev \
      libcsv-dev libutf8proc-dev libcmark-dev libzip-dev libexpat1-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile ./
COPY shared shared
COPY web web
COPY worker worker
RUN make all

FROM debian:12-slim
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libfcgi0ldbl libmariadb3 libhiredis0.14 libxlsxwriter4 libargon2-1 libcsv3 libutf8proc2 \
      libcmark0.30.2 libzip4 libexpat1 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/cityinv --shell /usr/sbin/nologin cityinv \
    && mkdir -p /var/lib/cityinv/files /usr/share/cityinv \
    && chown cityinv:cityinv /var/lib/cityinv/files
COPY --from=build /src/build/cityinv-web /src/build/cityinv-worker /src/build/cityinv-admin /usr/local/bin/
# The schema and reference data; never the demo data.
COPY migrations/*.sql /usr/share/cityinv/migrations/
COPY migrations/data /usr/share/cityinv/migrations/data
COPY web/static /usr/share/cityinv/static
USER cityinv
ENV CITYINV_CONFIG=/etc/cityinv/cityinv.conf
EXPOSE 9000
CMD ["cityinv-web"]
