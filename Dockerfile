# syntax=docker/dockerfile:1
# Broadsheet: the three services and the CLI, built in a Debian bookworm
# stage and run from bookworm-slim as a non-root user with only the shared
# libraries the binaries link (no compiler, headers or package tooling).
#
#   docker build -t broadsheet .
#   docker run --rm broadsheet broadsheet help
#
# The image holds no credential: TLS files, tokens and passwords are mounted
# at run time (docker-compose.yml, deploy/kubernetes).

FROM debian:bookworm AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config ca-certificates python3-venv \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      librdkafka-dev libpqxx-dev libgtest-dev nlohmann-json3-dev libcld2-dev libstemmer-dev \
      libxxhash-dev libre2-dev libabsl-dev libssl-dev prometheus-cpp-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# google/rpc/*.proto come from PyPI's googleapis-common-protos (cmake/proto.cmake).
RUN python3 -m venv .local/venv \
    && .local/venv/bin/pip install -q --disable-pip-version-check googleapis-common-protos \
    && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBROADSHEET_BENCH=OFF \
    && cmake --build build --target broadsheet broadsheet-ingest broadsheet-indexer broadsheet-query \
    && mkdir -p /out/bin \
    && cp build/bin/broadsheet build/bin/broadsheet-ingest build/bin/broadsheet-indexer \
          build/bin/broadsheet-query /out/bin/ \
    && strip --strip-unneeded /out/bin/*
# The Debian packages that own the shared libraries the binaries load: the
# runtime stage installs exactly these.
RUN for b in /out/bin/*; do ldd "$b"; done \
      | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u \
      | while read -r lib; do dpkg -S "$(basename "$lib")" 2>/dev/null | head -n1 | cut -d: -f1; done \
      | sort -u >/out/runtime-packages \
    && test -s /out/runtime-packages && cat /out/runtime-packages

FROM debian:bookworm-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
COPY --from=build /out/runtime-packages /tmp/runtime-packages
RUN apt-get update \
    && xargs -a /tmp/runtime-packages apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages \
    && groupadd --system --gid 10001 broadsheet \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
         --shell /usr/sbin/nologin broadsheet
COPY --from=build /out/bin/ /usr/local/bin/
COPY profiles/ /usr/share/broadsheet/profiles/
COPY migrations/ /usr/share/broadsheet/migrations/
ENV BROADSHEET_PROFILES_DIR=/usr/share/broadsheet/profiles \
    BROADSHEET_MIGRATIONS_DIR=/usr/share/broadsheet/migrations
USER 10001:10001
EXPOSE 50051 50052 50053
CMD ["broadsheet", "help"]
