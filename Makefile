# The two commands a new user needs (see README.md):
#   make run    install dependencies, build, create a demo hub in ./var/hub if none, serve it on 127.0.0.1:8080
#   make test   install dependencies, build, run every test (unit and integration)
PRESET ?= default
BUILD_DIR := build/$(PRESET)
DATA_DIR ?= var/hub
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)
# Let ccache share objects between clones of the repository (CI builds a fresh clone in another folder).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all deps build run test test-asan bench fuzz format clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)

run: build
	@scripts/run-demo "$(BUILD_DIR)/bulwark" "$(DATA_DIR)" "$(LISTEN)"

test: build
	@ctest --preset $(PRESET) -j $(JOBS)

test-asan:
	@$(MAKE) --no-print-directory test PRESET=asan

bench: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)
	@bench/run-all build/release

fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@scripts/run-fuzzers build/fuzz 30

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	@rm -rf build
