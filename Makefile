# Quick start: `make demo` runs the main job against the embedded sandbox;
# `make test` builds and runs every test. Both install missing Debian packages.
PRESET ?= default
JOBS ?= 2

.PHONY: all deps build test test-c test-python test-go test-rust test-sanitizers test-fuzz demo sandbox bench install clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake --preset $(PRESET) >/dev/null
	cmake --build --preset $(PRESET) -j$(JOBS)

# Everything, in order: the C/C++ suite; the Python package (pip install .
# into a fresh virtualenv, pytest over the installed package); the Go and Rust
# bindings against the library built here; the suite under ASan+UBSan and the
# concurrency tests under TSan; each fuzz target for a bounded time.
test: test-c test-python test-go test-rust test-sanitizers test-fuzz

test-c: build
	ctest --preset $(PRESET) -j$(JOBS)

test-python: build
	scripts/python-test.sh

test-go: build
	scripts/go-test.sh

test-rust: build
	scripts/rust-test.sh

test-sanitizers: deps
	scripts/sanitizers.sh

FUZZ_SECONDS ?= 30
test-fuzz: deps
	scripts/install-deps.sh fuzz
	scripts/fuzz.sh $(FUZZ_SECONDS)

# The C examples (one flow per vendor; 500 creates through one batch), then
# the Python CLI over the sample records. The sample marks its deliberately
# invalid records with "expect", so the exit status is 0 only if every record
# turned out as expected. It builds only what it runs, in a Release build
# directory of its own without tests: the two examples and the static archives
# that the Python extension then links (AK_PREBUILT_ARCHIVES) instead of
# compiling the core a second time.
DEMO_DIR ?= build/demo
demo: deps
	cmake -S . -B $(DEMO_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DAK_BUILD_TESTS=OFF -DAK_BUILD_EXAMPLES=ON >/dev/null
	cmake --build $(DEMO_DIR) -j$(JOBS) --target lifecycle bulk accountkit_static accountkit_sandbox_static
	$(DEMO_DIR)/examples/c/lifecycle
	$(DEMO_DIR)/examples/c/bulk
	AK_PREBUILT_ARCHIVES=$(DEMO_DIR) scripts/python-venv.sh build/venv
	build/venv/bin/accountkit apply examples/accounts.jsonl --sandbox --overwrite --out build/demo-results.jsonl

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

install: build
	cmake --install build/$(PRESET)

clean:
	rm -rf build
