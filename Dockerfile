# dbinit: static binary, a FROM-scratch image holding only it, and a demo app.
#
#   docker build -t dbinit-demo .                       # demo (last stage)
#   docker build --target dbinit -t dbinit:scratch .    # /dbinit alone
#   # elsewhere:  COPY --from=dbinit:scratch /dbinit /usr/local/bin/dbinit
#   docker build --target build -t dbinit:generic .     # /usr/local/bin/dbinit, no migrations,
#                                                       # for `dbinit bundle` in other images
#
# Needs network access to a Debian mirror during the build (apt-get, and
# scripts/build-static-libpq and scripts/fetch-boost-source fetch the
# postgresql-17 (pinned) and boost1.74 source packages), and for the demo
# PyPI, or a wheelhouse through pip's own settings as build arguments:
#   docker build --network host --build-arg PIP_NO_INDEX=1 \
#       --build-arg PIP_FIND_LINKS=http://127.0.0.1:8000/ -t dbinit-demo .
# (python3 -m http.server 8000 --bind 127.0.0.1 in the wheelhouse, which
# scripts/python-env --wheelhouse fills; scripts/docker-test does this).
# Works with the legacy builder and with BuildKit: no --chmod, no RUN --mount.
# ca-certificates: the CAs dbinit carries for sslrootcert=system (docs/operations.md, "TLS").
ARG BUILD_IMAGE=debian:bookworm
ARG PYTHON_IMAGE=python:3.13-slim

# ---------------------------------------------------------------- build ----
FROM ${BUILD_IMAGE} AS build
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        build-essential cmake dpkg-dev pkg-config \
        libboost-program-options-dev libboost-log-dev libboost-test-dev \
        libssl-dev ca-certificates; \
    rm -rf /var/lib/apt/lists/*
WORKDIR /src
# libpq changes far less often than dbinit: its own layer, cached across
# source edits. It lands in build-static/static-deps, where the static preset
# looks for it (.dockerignore keeps the host's build-static/ out of COPY).
COPY scripts/build-static-libpq scripts/build-static-libpq
COPY scripts/lib/debian-source.sh scripts/lib/libpq-key-share.patch scripts/lib/
RUN scripts/build-static-libpq build-static
# The Boost sources the static build compiles (cmake/static_boost.cmake).
COPY scripts/fetch-boost-source scripts/fetch-boost-source
RUN scripts/fetch-boost-source build-static
# dbinit's own code and nothing else: sql/ is not copied yet, so this layer
# (and the compile in it) is rebuilt only when dbinit itself changes. The
# generic binary carries an empty compiled-in set.
COPY CMakeLists.txt CMakePresets.json VERSION ./
COPY cmake cmake
COPY entrypoint entrypoint
COPY src src
COPY test test
# The image carries dbinit alone: dbinit-lint (-DDBINIT_LINT, on by default)
# comes with the release (scripts/release) and the wheels.
# The readelf check: fully static or nothing, the scratch stage has no loader.
# Every source edit reruns this step: use all the cores the builder has.
# UNIT_TESTS=off skips building and running the unit tests (scripts/test
# has run them already when its container tests build this).
ARG UNIT_TESTS=on
RUN set -eux; \
    mkdir -p /no-migrations; \
    cmake --preset static -DDBINIT_MIGRATIONS_DIR=/no-migrations -DBUILD_TESTING="${UNIT_TESTS}" -DDBINIT_LINT=OFF; \
    cmake --build --preset static --parallel "$(nproc)"; \
    if [ "${UNIT_TESTS}" = on ]; then ctest --test-dir build-static -L unit -LE readme --output-on-failure; fi; \
    install -D -m 0755 build-static/dbinit /usr/local/bin/dbinit; \
    if readelf -d /usr/local/bin/dbinit | grep -q NEEDED; then readelf -d /usr/local/bin/dbinit; exit 1; fi

# --------------------------------------------------------------- bundle ----
# The product's migrations, attached to the generic binary without compiling
# (dbinit bundle): a change to sql/ alone rebuilds from here, in seconds.
FROM build AS bundle
COPY sql /src/sql
RUN dbinit bundle /src/sql --output /dbinit && /dbinit --version

# --------------------------------------------------------------- dbinit ----
FROM scratch AS dbinit
COPY --from=bundle /dbinit /dbinit
ENTRYPOINT ["/dbinit"]

# ----------------------------------------------------------------- demo ----
# The chatbot as its users build an app image: a Python base image, the
# app's pinned requirements installed with pip (into a venv: Debian's python3
# and python:3.13-slim alike), and dbinit from the stage above, the way an
# app copies it from the release's FROM-scratch image. (An app can instead
# list dbinit in its requirements.txt: the wheel puts it in the venv's bin/.
# examples/hf-space does that.)
FROM ${PYTHON_IMAGE} AS demo
# pip's own settings, unset unless given: PyPI by default.
ARG PIP_INDEX_URL
ARG PIP_FIND_LINKS
ARG PIP_NO_INDEX
COPY demo/chatbot/requirements.txt /app/requirements.txt
RUN python3 -m venv /opt/venv && \
    /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check -r /app/requirements.txt
ENV PATH=/opt/venv/bin:${PATH}
COPY --from=dbinit /dbinit /usr/local/bin/dbinit
COPY demo/chatbot /app/chatbot
WORKDIR /app
ENV PORT=7860 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
USER 1000:1000
EXPOSE 7860
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '7860'), timeout=2)"]
ENTRYPOINT ["dbinit", "--"]
# uvicorn's graceful shutdown on the SIGTERM that dbinit forwards (docker stop).
CMD ["uvicorn", "chatbot.main:app", "--host", "0.0.0.0", "--port", "7860"]
