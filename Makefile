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

# Every C/C++ test, then the Python package's: pip install . into a fresh
# virtualenv under build/ and pytest over the installed package.
test: build
	ctest --preset $(PRESET) -j$(JOBS)
	scripts/python-test.sh

# The C lifecycle example, then the Python CLI over the sample records. The
# sample marks its deliberately invalid records with "expect", so the exit
# status is 0 only if every record turned out as expected.
demo: build
	build/$(PRESET)/examples/c/lifecycle
	scripts/python-venv.sh build/venv
	build/venv/bin/accountkit apply examples/accounts.jsonl --sandbox --overwrite --out build/demo-results.jsonl

sandbox: build
	build/$(PRESET)/accountkit-sandbox

install: build
	cmake --install build/$(PRESET)

clean:
	rm -rf build
