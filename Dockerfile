# briefing-bot: the Discord bot in a container.
#
#   docker build -t briefing-bot .
#   docker run -d --name briefing-bot -e DISCORD_TOKEN \
#     -v "$PWD/corpus:/app/corpus:ro" -v briefing-index:/app/.index briefing-bot
#
# The token comes only from the environment; the corpus and the index are volumes (see README.md, "Discord bot").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # The package is installed into site-packages, so point it at the config folder explicitly;
    # relative paths in config/bot.yaml (corpus, .index) then resolve under /app.
    BRIEFING_CONFIG=/app/config

WORKDIR /app

# Dependencies first (better layer caching), then the code.
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install . && rm -rf build ./*.egg-info

COPY config ./config
# The bundled seed articles are the default corpus; mount your own folder over /app/corpus.
COPY corpus ./corpus

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin briefing \
    && mkdir -p /app/.index \
    && chown -R briefing:briefing /app/.index
USER briefing

VOLUME ["/app/corpus", "/app/.index"]

CMD ["python", "-m", "bot", "run"]
