# Ratify: the developer's entry points. CMake does the building; this file
# only names the steps.
#   make          build everything into build/bin
#   make test     install missing Debian packages (as root), check formatting,
#                 build with clang (warnings only), build and run every test,
#                 then build again with ASan + UBSan and run them again
#   make run      start the services natively, data under ./var, Ctrl-C stops all
#   make bench    build with optimisation and print the benchmark figures
#   make chaos    the long crash test: SIGKILLs during a large synthetic load
#   make fuzz     run every libFuzzer target for FUZZ_SECONDS (default 60)
#   make install  install binaries, catalog and bash completion under PREFIX
#   make format   rewrite every C file as .clang-format says (make test checks it)
#   make clean    remove the build trees

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

PREFIX     ?= /usr/local

.PHONY: all build deps test test-plain test-fuzz test-asan run install fuzz bench chaos images compose-test clean format format-check build-clang

all: build

deps:
	@deploy/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_ARGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DRATIFY_SANITIZE=ON $(CMAKE_ARGS)

test: deps
	@$(MAKE) --no-print-directory format-check
	@$(MAKE) --no-print-directory build-clang
	@$(MAKE) --no-print-directory test-plain
	@$(MAKE) --no-print-directory test-fuzz
	@$(MAKE) --no-print-directory test-asan

test-plain: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# .clang-format is the formatting authority (clang-format 14, deploy/packages-build.txt)
C_SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(C_SOURCES)

format-check:
	@if command -v clang-format >/dev/null; then \
	  clang-format --dry-run --Werror $(C_SOURCES) && echo "format-check: $(words $(C_SOURCES)) files as .clang-format says"; \
	else echo "format-check: clang-format not installed, formatting not checked"; fi

# the tree built with clang too (-Werror: its warnings differ from gcc's);
# the tests run on the gcc builds
CLANG_BUILD ?= build-clang
build-clang:
	@if command -v clang >/dev/null; then \
	  CC=clang cmake -S . -B $(CLANG_BUILD) -DCMAKE_BUILD_TYPE=Debug $(CMAKE_ARGS) >/dev/null \
	  && cmake --build $(CLANG_BUILD) -j $(JOBS) && echo "build-clang: clean"; \
	else echo "build-clang: clang not installed, not built"; fi

# every libFuzzer target for a few seconds (clang from deploy/packages-build.txt)
test-fuzz:
	@if command -v clang >/dev/null; then tests/fuzz/run.sh 5; \
	else echo "test-fuzz: clang not installed, fuzz targets not run"; fi

# fast_unwind_on_malloc=0: a leak's stack goes on through libraries built
# without frame pointers (libzmq), so a report names the code that asked for
# the memory (about 7 s more for the suite)
test-asan: $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

run: build
	@deploy/run-native.sh $(BUILD)/bin

# libFuzzer targets (clang), each for FUZZ_SECONDS
FUZZ_SECONDS ?= 60
fuzz:
	tests/fuzz/run.sh $(FUZZ_SECONDS)

# figures against the machine's own floor (bench/RESULTS.md); not a test
bench:
	bench/run.sh

# the long chaos run: a larger history, more kills (the short one is in make test)
chaos: build
	cd $(BUILD) && RATIFY_CHAOS=long ctest -L chaos --output-on-failure
	cd $(BUILD) && RATIFY_CHAOS=long ctest --output-on-failure -R '^integration/test_slow_subscriber$$'

# base images from Debian packages (no registry needed), and the compose test alone
images:
	deploy/base-images.sh

compose-test:
	bash tests/compose/test_compose_stack.sh

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(CLANG_BUILD) build-fuzz build-bench
