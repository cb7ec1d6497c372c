# Entry points; CMake does the building. Each target installs missing
# Debian packages first, so these work on a fresh Debian 12 machine.
#   make demo   build, then ingest examples/ into feedmill.db and summarise it
#   make test   build, then the whole suite under ctest, plain and ASan+UBSan,
#               compile everything as a gcc -O3 Release build and with clang,
#               then each fuzzer for FUZZ_SECONDS (60) over its committed corpus
#   make check  the plain suite only (faster while developing)
#   make build-release, make build-clang   those two compile-only builds
#   make quality  main-text extraction scored on the shared web-eval and
#               wcxb-dev corpora

JOBS ?= $(shell nproc)
# Quiet builds: compiler messages and errors only.
CMAKE_BUILD = cmake --build $(1) -j $(JOBS) $(2) -- --no-print-directory -s
# Every build made here treats warnings as errors; a plain `cmake` build
# (users, packagers) does not (CMakeLists.txt, FEEDMILL_WERROR).
CMAKE_CONFIGURE = cmake -S . -B $(1) -DFEEDMILL_WERROR=ON $(2) >/dev/null

.PHONY: all setup configure build build-asan build-release build-clang demo check \
	check-asan test clean fuzz bench quality

all: build

setup:
	@bash scripts/setup.sh

configure: setup
	@$(call CMAKE_CONFIGURE,build,-DCMAKE_BUILD_TYPE=RelWithDebInfo)

build: configure
	@$(call CMAKE_BUILD,build)

build-asan: setup
	@$(call CMAKE_CONFIGURE,build-asan,-DCMAKE_BUILD_TYPE=Debug -DFEEDMILL_SANITIZE=ON)
	@$(call CMAKE_BUILD,build-asan)

# Compile-only builds that catch what the everyday build does not: gcc's
# -O3 inlining finds other maybe-uninitialized paths, clang has its own
# warnings. Every target (tests, tools, benchmarks) is compiled.
build-release: setup
	@$(call CMAKE_CONFIGURE,build-release,-DCMAKE_BUILD_TYPE=Release)
	@$(call CMAKE_BUILD,build-release)

build-clang: setup
	@$(call CMAKE_CONFIGURE,build-clang,-DCMAKE_C_COMPILER=clang)
	@$(call CMAKE_BUILD,build-clang)

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

test: check check-asan build-release build-clang fuzz

# libFuzzer targets (tests/fuzz/README.md), each run FUZZ_SECONDS over a
# copy of its committed corpus: make fuzz FUZZ_SECONDS=600
FUZZ_SECONDS ?= 60
fuzz: setup
	@$(call CMAKE_CONFIGURE,build-fuzz,-DCMAKE_C_COMPILER=clang -DFEEDMILL_FUZZ=ON \
		-DFEEDMILL_FUZZ_SECONDS=$(FUZZ_SECONDS))
	@$(call CMAKE_BUILD,build-fuzz,--target fuzz_message fuzz_extract)
	ctest --test-dir build-fuzz -R fuzz/ --output-on-failure -j $(JOBS)

# Figures and ratios against the bare stages, never pass/fail (bench/README.md).
bench: build
	bash bench/bench.sh build

# Precision, recall, F1 and speed of main-text extraction on the shared
# web-eval and wcxb-dev corpora, and wcxb-dev's metadata and page types
# (tests/tools/quality.c); the floor tests check the same.
FEEDMILL_CORPUS ?= ../shared/corpus
quality: build
	./build/tests/quality $(FEEDMILL_CORPUS)/web-eval $(FEEDMILL_CORPUS)/wcxb-dev

clean:
	rm -rf build build-asan build-release build-clang build-fuzz
