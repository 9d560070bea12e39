# The same Space with dbinit taken from the release's FROM-scratch image
# instead of its wheel: the image's /dbinit and /dbinit-lint are copied in,
# and the Python packages are requirements.txt's but for the dbinit-pg pin.
# The image is a build argument, with no default (on a Space: save this file
# as Dockerfile and set the variable DBINIT_IMAGE, which a Space passes to
# the build as a build argument):
#
#   docker build -f image.Dockerfile --build-arg DBINIT_IMAGE=ghcr.io/OWNER/dbinit:VERSION -t chatbot-space .
#
# ghcr.io/OWNER/dbinit is what the release workflow pushes, from the first
# release on (docs/release.md); before it, load the image that
# scripts/release writes (docker load -i dist/dbinit-image-VERSION-linux-amd64.tar)
# and name it: --build-arg DBINIT_IMAGE=dbinit:VERSION-amd64. One tag serves
# amd64 and arm64: the build takes its own architecture's image.
# PYTHON_IMAGE and pip's settings as in Dockerfile.
ARG PYTHON_IMAGE=python:3.13-slim
ARG DBINIT_IMAGE
FROM ${DBINIT_IMAGE} AS dbinit

FROM ${PYTHON_IMAGE}
ARG PIP_INDEX_URL
ARG PIP_FIND_LINKS
ARG PIP_NO_INDEX
COPY requirements.txt /app/requirements.txt
RUN python3 -m venv /opt/venv && \
    grep -v '^dbinit-pg==' /app/requirements.txt >/tmp/requirements.txt && \
    /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check -r /tmp/requirements.txt && \
    rm /tmp/requirements.txt
ENV PATH=/opt/venv/bin:${PATH} \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
# dbinit-lint beside dbinit: bundle reports what in sql/ would hurt a live table.
COPY --from=dbinit /dbinit /dbinit-lint /usr/local/bin/
# The migrations travel inside the binary: validated now, checked at start.
COPY sql /app/sql
RUN dbinit bundle /app/sql --output /usr/local/bin/dbinit
COPY chatbot /app/chatbot
WORKDIR /app
# Spaces run as user 1000.
USER 1000
EXPOSE 7860
ENTRYPOINT ["dbinit", "--"]
CMD ["uvicorn", "chatbot.main:app", "--host", "0.0.0.0", "--port", "7860"]
