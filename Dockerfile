# tpc-mock in a container: the emulator on waitress, bound to every interface.
#   docker build -t tpc-mock .
#   docker run --rm -p 8765:8765 -v tpc-mock-data:/data tpc-mock
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    TPC_MOCK_PORT=8765 \
    TPC_MOCK_DATA=/data/db.json

# An unprivileged user owns the data volume; nothing runs as root.
RUN groupadd --system --gid 10001 tpcmock \
    && useradd --system --uid 10001 --gid tpcmock --home-dir /home/tpcmock --create-home \
       --shell /usr/sbin/nologin tpcmock \
    && mkdir -p /data \
    && chown tpcmock:tpcmock /data

WORKDIR /src
COPY pyproject.toml README.md ./
COPY seed/ seed/
COPY tpc_mock/ tpc_mock/
# The project from source; its dependency ranges live in pyproject.toml (no lock file).
RUN pip install --no-cache-dir . \
    && rm -rf /src

WORKDIR /home/tpcmock
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8765

# slim has no curl: ask the running server for its OpenAPI document with Python itself.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('TPC_MOCK_PORT', '8765') + '/api/v1/openapi.json', timeout=4).read()"]

# Only the container binds 0.0.0.0; the CLI's own default stays 127.0.0.1.
CMD ["tpc-mock", "serve", "--host", "0.0.0.0"]
