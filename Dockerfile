FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    MATCHER_HOST=0.0.0.0 \
    MATCHER_PORT=8000 \
    MATCHER_DATA_DIR=/data

WORKDIR /app

# torch first, pinned, and the CPU build: the service never uses a GPU, and the Linux wheel
# on the default package index brings several GB of CUDA libraries with it. Pass the CPU
# wheel index that PyTorch's own install page gives for Linux + pip + CPU:
#   docker compose build --build-arg TORCH_INDEX_URL=<that index URL>
# (or set TORCH_INDEX_URL in the environment of `docker compose build`). The build stops
# here without it rather than fall back to the CUDA build.
ARG TORCH_INDEX_URL
RUN if [ -z "$TORCH_INDEX_URL" ]; then \
        echo "Set the build argument TORCH_INDEX_URL to PyTorch's CPU wheel index (see the Dockerfile)." >&2; \
        exit 1; \
    fi \
    && pip install --index-url "$TORCH_INDEX_URL" torch==2.13.0 \
    && python -c "import torch, sys; sys.exit(torch.version.cuda is not None)"

COPY pyproject.toml README.md ./
COPY matcher ./matcher
COPY api ./api
COPY embeddings ./embeddings
# torch==2.13.0 is already met by the CPU build (a local "+cpu" label matches the pin).
RUN pip install . && useradd --system --create-home matcher && mkdir -p /data && chown matcher /data

USER matcher
VOLUME ["/data"]
EXPOSE 8000
CMD ["matcher", "serve"]
