FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    MATCHER_HOST=0.0.0.0 \
    MATCHER_PORT=8000 \
    MATCHER_DATA_DIR=/data

WORKDIR /app

# torch first and pinned, so sentence-transformers does not pull another build.
RUN pip install torch==2.13.0

COPY pyproject.toml README.md ./
COPY matcher ./matcher
COPY api ./api
COPY embeddings ./embeddings
RUN pip install . && useradd --system --create-home matcher && mkdir -p /data && chown matcher /data

USER matcher
VOLUME ["/data"]
EXPOSE 8000
CMD ["matcher", "serve"]
