# Quick start: `make demo` runs the main job against the embedded sandbox;
# `make test` builds and runs every test. Both install missing Debian packages.
# Two build trees. PRESET (`release`: optimised, no debug info, warnings
# tolerated) serves what users run: build, demo, sandbox, install. TEST_PRESET
# (`default`: debug info, warnings as errors) serves `make test`, which is what
# developers and CI run; scripts/*-test.sh build the same tree.
PRESET ?= release
TEST_PRESET ?= default
JOBS ?= 2
# `make install PREFIX=DIR` (DESTDIR is honoured too).
PREFIX ?= /usr/local

.PHONY: all deps build build-test test test-c test-install test-python test-go test-rust test-sanitizers test-fuzz demo sandbox bench install clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake --preset $(PRESET) >/dev/null
	cmake --build --preset $(PRESET) -j$(JOBS)

# Everything, in order: the C/C++ suite; the installed library used from
# outside the tree (scripts/install-test.sh); the Python package (the wheel of
# `make wheel`, installed into a fresh virtualenv, pytest over it); the Go and Rust
# bindings against the library built here; the suite under ASan+UBSan and the
# concurrency tests under TSan; each fuzz target for a bounded time.
test: test-c test-install test-python test-go test-rust test-sanitizers test-fuzz

build-test: deps
	cmake --preset $(TEST_PRESET) >/dev/null
	cmake --build --preset $(TEST_PRESET) -j$(JOBS)

test-c: build-test
	ctest --preset $(TEST_PRESET) -j$(JOBS)

# Installs build/$(TEST_PRESET) into a fresh prefix under it and builds and
# runs C programs against the install (CMake package, pkg-config, static).
test-install: build-test
	JOBS=$(JOBS) scripts/install-test.sh build/$(TEST_PRESET)

test-python: build-test
	scripts/python-test.sh

test-go: build-test
	TEST_PRESET=$(TEST_PRESET) scripts/go-test.sh

test-rust: build-test
	TEST_PRESET=$(TEST_PRESET) scripts/rust-test.sh

test-sanitizers: deps
	scripts/sanitizers.sh

FUZZ_SECONDS ?= 30
test-fuzz: deps
	scripts/install-deps.sh fuzz
	scripts/fuzz.sh $(FUZZ_SECONDS)

# The C examples (one flow per vendor; 500 creates through one batch), then
# the Python CLI over the sample records, building only what they need
# (scripts/demo.sh says how), in the `demo` tree: the users' build at -O1,
# which compiles in two thirds of the time.
DEMO_PRESET ?= demo
demo: deps
	scripts/demo.sh $(DEMO_PRESET) $(JOBS)

# The self-contained wheel, build/dist/accountkit-*-manylinux_*.whl: libcurl,
# simdjson, cpp-httplib and their dependencies grafted by auditwheel.
.PHONY: wheel
wheel: deps
	scripts/python-wheel.sh

# Throughput, validation speed and the CLI's peak memory against a canned
# nginx on loopback, in one run with medians and PASS/MISS per target
# (docs/benchmarks.md). Not part of `test`: it measures, it does not check.
bench: deps
	JOBS=$(JOBS) scripts/bench.sh

sandbox: build
	build/$(PRESET)/accountkit-sandbox

# Stripped: no debug information in the installed libraries and program.
install: build
	cmake --install build/$(PRESET) --prefix "$(PREFIX)" --strip

clean:
	rm -rf build
