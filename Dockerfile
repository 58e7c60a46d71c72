# newsbot: a slim image running `newsbot run` as a non-root user.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    NEWSBOT_DATABASE_URL=sqlite+aiosqlite:////data/newsbot.db \
    NEWSBOT_CONFIG=/app/config.toml

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app newsbot \
    && mkdir /data && chown newsbot /data \
    && cp /dev/null /app/config.toml && chown newsbot /app/config.toml

USER newsbot
VOLUME ["/data"]
CMD ["newsbot", "run"]
