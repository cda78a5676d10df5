# syntax=docker/dockerfile:1

# Build the wheel in a throwaway stage, so the runtime image holds no build tools.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY mockserver ./mockserver
COPY scenarios ./scenarios
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin mock
USER 10001
# Inside a container the server must listen on every interface to be reachable.
ENV QUBICTRON_MOCK_HOST=0.0.0.0 \
    QUBICTRON_MOCK_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["qubictron-mock", "healthcheck"]
ENTRYPOINT ["qubictron-mock"]
CMD ["serve"]
