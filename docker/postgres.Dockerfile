# A PostgreSQL 15 server image built from Debian's packages, for machines that
# cannot pull the public postgres:15 image. It honours the same interface as
# that image, as far as dbinit's tests and the demo need it:
#   POSTGRES_PASSWORD (required), POSTGRES_USER (default postgres),
#   POSTGRES_DB (default $POSTGRES_USER), PGDATA, port 5432, pg_isready on PATH.
#
#   docker build -f docker/postgres.Dockerfile -t dbinit-postgres:15 docker/
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

# No cluster from the package's postinst: the entrypoint makes one in PGDATA.
RUN set -eux; \
    mkdir -p /etc/postgresql-common/createcluster.d; \
    echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/no-main-cluster.conf; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15; \
    rm -rf /var/lib/apt/lists/*; \
    mkdir -p /var/lib/postgresql/data /var/run/postgresql; \
    chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql; \
    chmod 0700 /var/lib/postgresql/data

ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
USER postgres
VOLUME /var/lib/postgresql/data
EXPOSE 5432
# SIGINT is PostgreSQL's fast shutdown: it ends sessions instead of waiting.
STOPSIGNAL SIGINT
ENTRYPOINT ["postgres-entrypoint.sh"]
CMD ["postgres"]
