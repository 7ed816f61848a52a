# Builds the three services and the CLI in a Debian bookworm stage and runs
# them from a slim runtime image as a non-root user.
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config python3-venv \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      librdkafka-dev libpqxx-dev libgtest-dev nlohmann-json3-dev libcld2-dev \
      libxxhash-dev libre2-dev libabsl-dev libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# google/rpc/*.proto come from PyPI's googleapis-common-protos at build time.
RUN python3 -m venv .local/venv && .local/venv/bin/pip install -q googleapis-common-protos \
    && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBROADSHEET_BENCH=OFF \
    && cmake --build build --target broadsheet broadsheet-ingest broadsheet-indexer broadsheet-query

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 librdkafka++1 libpqxx-6.4 libcld2-0 \
      libxxhash0 libre2-9 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home broadsheet
COPY --from=build /src/build/bin/broadsheet /src/build/bin/broadsheet-ingest \
     /src/build/bin/broadsheet-indexer /src/build/bin/broadsheet-query /usr/local/bin/
COPY --from=build /src/profiles /usr/share/broadsheet/profiles
COPY --from=build /src/migrations /usr/share/broadsheet/migrations
ENV BROADSHEET_PROFILES_DIR=/usr/share/broadsheet/profiles \
    BROADSHEET_MIGRATIONS_DIR=/usr/share/broadsheet/migrations
USER 10001
