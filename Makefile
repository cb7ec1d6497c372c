# Entry points; CMake does the building. Each target installs missing
# Debian packages first, so these work on a fresh Debian 12 machine.
#   make demo   build, then ingest examples/ into feedmill.db and summarise it
#   make test   build, then the whole suite under ctest, plain and ASan+UBSan,
#               then each fuzzer for FUZZ_SECONDS (60) over its committed corpus
#   make check  the plain suite only (faster while developing)

JOBS ?= $(shell nproc)
# Quiet builds: compiler messages and errors only.
CMAKE_BUILD = cmake --build $(1) -j $(JOBS) $(2) -- --no-print-directory -s

.PHONY: all setup configure build build-asan demo check check-asan test clean fuzz bench

all: build

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@$(call CMAKE_BUILD,build)

build-asan: setup
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFEEDMILL_SANITIZE=ON >/dev/null
	@$(call CMAKE_BUILD,build-asan)

demo: configure
	@$(call CMAKE_BUILD,build,--target feedmill)
	./build/feedmill run --db feedmill.db examples
	./build/feedmill stats --db feedmill.db
	./build/feedmill search --db feedmill.db --limit 3 싱가포르

check: build
	ctest --test-dir build --output-on-failure -j $(JOBS)

check-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --test-dir build-asan --output-on-failure -j $(JOBS)

test: check check-asan fuzz

# libFuzzer targets (tests/fuzz/README.md), each run FUZZ_SECONDS over a
# copy of its committed corpus: make fuzz FUZZ_SECONDS=600
FUZZ_SECONDS ?= 60
fuzz: setup
	@cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DFEEDMILL_FUZZ=ON \
		-DFEEDMILL_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	@$(call CMAKE_BUILD,build-fuzz,--target fuzz_message fuzz_extract)
	ctest --test-dir build-fuzz -R fuzz/ --output-on-failure -j $(JOBS)

# Figures and ratios against the bare stages, never pass/fail (bench/README.md).
bench: build
	bash bench/bench.sh build

clean:
	rm -rf build build-asan build-fuzz
