# Broadsheet: the two commands that matter are
#   make demo   build, start the local stack, ingest the sample pages, search
#   make test   the same set-up, then every test (unit + integration, under
#               ASan+UBSan), check-seeds and a 60 s fuzz run
# Both install whatever is missing first (scripts/deps.sh).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

JOBS ?= $(shell nproc)
# `make test` builds and runs everything with sanitizers in its own tree.
BUILD_DIR ?= build
CMAKE_FLAGS ?=
export BROADSHEET_BIN_DIR := $(abspath $(BUILD_DIR))/bin
# Sanitizer builds: stop at the first UB report, and ignore leaks that are
# third-party (tests/lsan.supp). Services started by `make test` inherit these.
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS := suppressions=$(abspath tests/lsan.supp)

.PHONY: help deps configure build up down status demo test unit integration fuzz bench check-seeds tidy clean

help:
	@echo "make demo | make test | make up | make down | make bench | make fuzz | make check-seeds | make tidy"

deps:
	bash scripts/deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Kafka + PostgreSQL + topics + migrations + the three services.
up: build
	bash scripts/stack.sh up
	bash scripts/services.sh restart

down:
	bash scripts/services.sh stop || true
	bash scripts/stack.sh down

status:
	bash scripts/stack.sh status

demo: up
	$(BROADSHEET_BIN_DIR)/broadsheet ingest fixtures/demo
	@echo; echo '== broadsheet search "river pollution" =='
	@for i in $$(seq 1 60); do \
	  $(BROADSHEET_BIN_DIR)/broadsheet search --limit 3 "river pollution" | grep -q '^ 1\.' && break; sleep 0.5; done
	$(BROADSHEET_BIN_DIR)/broadsheet search --limit 3 "river pollution"
	@echo '== broadsheet search "\"housing benefit\" OR landlords" =='
	$(BROADSHEET_BIN_DIR)/broadsheet search --limit 3 '"housing benefit" OR landlords'

# Every test, against the real stack, with ASan+UBSan. CI runs exactly this.
test:
	$(MAKE) up BUILD_DIR=build-asan CMAKE_FLAGS="-DBROADSHEET_SANITIZE=ON -DBROADSHEET_BENCH=OFF"
	cd build-asan && CI=$${CI:-true} ctest --output-on-failure -j 1 --timeout 600
	BROADSHEET_BIN_DIR=$(abspath build-asan)/bin bash scripts/services.sh stop
	bash scripts/services.sh check-logs
	bash scripts/tidy.sh build-asan
	$(MAKE) fuzz

unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L unit

# clang-tidy with .clang-tidy's checks over every source; fails on any warning.
tidy: build
	bash scripts/tidy.sh $(BUILD_DIR)

check-seeds: build
	python3 ../shared/tools/check-seeds -- $(BROADSHEET_BIN_DIR)/broadsheet parse

FUZZ_SECONDS ?= 60
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DBROADSHEET_FUZZ=ON \
	  -DBROADSHEET_SERVICES=OFF -DBROADSHEET_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build-fuzz -j $(JOBS)
	bash fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

bench: build
	bash bench/run.sh $(BUILD_DIR)

clean:
	rm -rf build build-asan build-fuzz
