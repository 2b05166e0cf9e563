# briefing-bot: the Discord bot in a container.
#
#   docker build -t briefing-bot .
#   docker run -d --init --name briefing-bot -e DISCORD_TOKEN \
#     -v "$PWD/corpus:/app/corpus:ro" -v briefing-index:/app/.index briefing-bot
#
# The token comes from the environment (DISCORD_TOKEN, or DISCORD_TOKEN_FILE naming a mounted
# secret); the corpus and the index are volumes (see README.md, "Docker").

# Stage 1: the dependency list, read from pyproject.toml. Only its text (requirements.txt)
# reaches the next stage, so editing pyproject.toml elsewhere does not reinstall anything.
FROM python:3.11-slim AS requirements
WORKDIR /build
COPY pyproject.toml docker/requirements.py ./
RUN python requirements.py pyproject.toml > requirements.txt

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # The package ships its defaults; this folder overrides them and makes relative paths
    # (corpus, .index) resolve under /app.
    BRIEFING_CONFIG=/app/config

WORKDIR /app

# Dependencies in a layer of their own: rebuilt only when the dependency list changes.
COPY --from=requirements /build/requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt

# The code, without touching the dependencies installed above.
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-deps . && rm -rf build ./*.egg-info

COPY config ./config
# The bundled seed articles are the default corpus; mount your own folder over /app/corpus.
COPY corpus ./corpus

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin briefing \
    && mkdir -p /app/.index \
    && chown -R 10001:10001 /app/.index
USER 10001

VOLUME ["/app/corpus", "/app/.index"]

# docker stop sends SIGTERM: the bot closes its gateway connection, stops the corpus watcher and
# finishes a catalog write, then exits. Run with --init (or an init: tini) to reap stray children.
STOPSIGNAL SIGTERM
# Healthy when the index opens and the bot's heartbeat says it is connected to Discord. A large
# corpus takes longer to index at first start: raise --start-period for it.
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
    CMD ["briefing-bot", "health", "--bot"]

CMD ["briefing-bot", "run"]
