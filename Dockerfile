# The reward server. Non-root; listens on 0.0.0.0:8000 inside the container.
#
# With a registry:      docker build -t reward-server .
# Air-gapped (as in CI): scripts/build-server-image.sh, which makes a local Debian base
#   image with debootstrap and a wheelhouse of every dependency, then builds this file with
#   --build-arg BASE_IMAGE=reward-python-base:bookworm.
#
# Code rewards need the host's Docker engine: mount its socket and add its group, e.g.
#   docker run --network host -v /var/run/docker.sock:/var/run/docker.sock \
#     --group-add "$(stat -c %g /var/run/docker.sock)" reward-server
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH \
    REWARD_HOST=0.0.0.0 \
    REWARD_PORT=8000

COPY . /src
# A wheelhouse/ in the build context (made by scripts/build-server-image.sh) means no index.
RUN python3 -m venv /opt/venv \
 && if [ -d /src/wheelhouse ] && ls /src/wheelhouse/*.whl >/dev/null 2>&1; then \
      pip install --no-index --find-links /src/wheelhouse reward-server; \
    else \
      pip install /src; \
    fi \
 && rm -rf /src \
 && useradd --system --create-home --uid 10001 reward

USER reward
WORKDIR /home/reward
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python3 -c "import urllib.request,os; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('REWARD_PORT','8000'))"
CMD ["reward-server", "serve"]
