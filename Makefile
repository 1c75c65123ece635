# Quick start: `make demo` runs the main job against the embedded sandbox;
# `make test` builds and runs every test. Both install missing Debian packages.
PRESET ?= default
JOBS ?= 2

.PHONY: all deps build test demo sandbox install clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake --preset $(PRESET) >/dev/null
	cmake --build --preset $(PRESET) -j$(JOBS)

test: build
	ctest --preset $(PRESET) -j$(JOBS)

demo: build
	build/$(PRESET)/examples/c/lifecycle

sandbox: build
	build/$(PRESET)/accountkit-sandbox

install: build
	cmake --install build/$(PRESET)

clean:
	rm -rf build
