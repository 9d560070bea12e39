# A PostgreSQL server image built from Debian's packages, for machines that
# cannot pull the public postgres image. It honours the same interface as
# that image, as far as dbinit's tests and the demo need it:
#   POSTGRES_PASSWORD (required), POSTGRES_USER (default postgres),
#   POSTGRES_DB (default $POSTGRES_USER), PGDATA, port 5432, pg_isready on PATH.
#
# PostgreSQL 17 from Debian 13 by default (what a new Neon project runs);
# PostgreSQL 15 is one argument away, from Debian 12:
#   docker build -f docker/postgres.Dockerfile -t dbinit-postgres:17 docker/
#   docker build -f docker/postgres.Dockerfile --build-arg BASE_IMAGE=debian:bookworm-slim \
#     --build-arg PG_VERSION=15 -t dbinit-postgres:15 docker/
ARG BASE_IMAGE=debian:trixie-slim
FROM ${BASE_IMAGE}
ARG PG_VERSION=17

# No cluster from the package's postinst: the entrypoint makes one in PGDATA.
RUN set -eux; \
    mkdir -p /etc/postgresql-common/createcluster.d; \
    echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/no-main-cluster.conf; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-${PG_VERSION}; \
    rm -rf /var/lib/apt/lists/*; \
    mkdir -p /var/lib/postgresql/data /var/run/postgresql; \
    chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql; \
    chmod 0700 /var/lib/postgresql/data

ENV PATH=/usr/lib/postgresql/${PG_VERSION}/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
USER postgres
VOLUME /var/lib/postgresql/data
EXPOSE 5432
# SIGINT is PostgreSQL's fast shutdown: it ends sessions instead of waiting.
STOPSIGNAL SIGINT
ENTRYPOINT ["postgres-entrypoint.sh"]
CMD ["postgres"]
