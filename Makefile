# Entry points; CMake does the building. Each target installs missing
# Debian packages first, so these work on a fresh Debian 12 machine.
#   make demo   build, then ingest examples/ into feedmill.db and summarise it
#   make test   build, then the whole suite under ctest, plain and ASan+UBSan
#   make check  the plain suite only (faster while developing)

JOBS ?= $(shell nproc)

.PHONY: all setup build build-asan demo check check-asan test clean

all: build

setup:
	@bash scripts/setup.sh

build: setup
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j $(JOBS)

build-asan: setup
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFEEDMILL_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)

demo: build
	./build/feedmill run --db feedmill.db examples
	./build/feedmill stats --db feedmill.db
	./build/feedmill search --db feedmill.db --limit 3 싱가포르

check: build
	ctest --test-dir build --output-on-failure -j $(JOBS)

check-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --test-dir build-asan --output-on-failure -j $(JOBS)

test: check check-asan

clean:
	rm -rf build build-asan
