# reexpose — build, test, demo, bench, install.
#   make demo     build and run the main job on a generated SDR clip
#   make test     build and run every test (import tiers, Swift unit + end-to-end, C API example, Python tools,
#                 golden outputs of the whole pipeline: Tests/Golden)
#   make bench    speed against ffmpeg's own filters and raw sgemm, and the filter inside ffmpeg against the pipe, same run
#   make ffmpeg   Debian's ffmpeg patched with the reexpose filter (-vf reexpose=preset=P) into .build/ffmpeg
#   make test-tsan  ThreadSanitizer over the filter, NN and execution-context tests (slow; not in make test)
#   make soak     memory stays flat over 100 000 frames of fast and 5 000 of balanced (slow; not in make test)
#   make fuzz     libFuzzer + ASan over the preset loader, --set, event files, safetensors and the stream reader,
#                 FUZZ_SECONDS (default 60) per target (Tests/Fuzz/README.md); make test runs each briefly
#   make install  PREFIX=/usr/local DESTDIR=

SHELL       := /bin/bash
SWIFT       ?= swift
PREFIX      ?= /usr/local
DESTDIR     ?=
PYTHON      ?= python3
# Declared once, in Sources/Reexpose/Version.swift.
VERSION     := $(shell sed -n 's/.*static let \(major\|minor\|patch\) = \([0-9]*\).*/\2/p' Sources/Reexpose/Version.swift | paste -sd.)
SOVERSION   := 0
RELEASE_DIR := .build/release
BIN         := $(RELEASE_DIR)/reexpose
LIB         := $(RELEASE_DIR)/libreexpose.so.$(SOVERSION)
# -static-stdlib: the CLI and libreexpose.so need only libc/libstdc++/libm from the toolchain side
# (REFERENCE §5), so installed copies run without /opt/swift.
RELEASE_FLAGS := -c release -Xswiftc -static-stdlib

export PATH := /opt/swift/usr/bin:$(PATH)
# End-to-end tests (Swift and Python) run the release binary.
export REEXPOSE_BIN ?= $(abspath $(BIN))
# `make fuzz`: seconds per fuzz target; `make test-fuzz`: seconds per target after its seeds.
FUZZ_SECONDS ?= 60
FUZZ_TEST_SECONDS ?= 10
# `make eval` runs the presets through the release binary.
EVAL_DEPS := build

.PHONY: all setup build lib ffmpeg test test-tiers test-swift test-c test-examples test-ffmpeg test-golden test-tsan test-fuzz fuzz soak demo bench bench-batch bench-nn install uninstall clean

all: build

# Installs missing Debian/Python packages (a no-op once done; .ci/setup).
setup:
	@bash .ci/setup

build: setup
	$(SWIFT) build $(RELEASE_FLAGS)
	@$(MAKE) --no-print-directory lib

# SwiftPM's dynamic product has no SONAME and an rpath into the build tree: give it both the right way.
lib: $(RELEASE_DIR)/libReexposeShared.so
	cp $(RELEASE_DIR)/libReexposeShared.so $(LIB)
	patchelf --set-soname libreexpose.so.$(SOVERSION) $(LIB)
	patchelf --remove-rpath $(LIB)
	ln -sf libreexpose.so.$(SOVERSION) $(RELEASE_DIR)/libreexpose.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' CShim/reexpose.pc.in > $(RELEASE_DIR)/reexpose.pc

test: build
	@$(MAKE) --no-print-directory test-tiers test-swift test-c test-examples test-golden test-python test-ffmpeg test-fuzz
	@echo "make test: all suites passed"

# Each target declares exactly the modules it imports, all of lower tiers (Package.swift's header).
test-tiers:
	$(PYTHON) Tests/check-tiers.py

test-swift:
	$(SWIFT) test

test-c:
	bash Examples/c-api/run-test.sh $(RELEASE_DIR)

test-examples:
	bash Examples/run-tests.sh $(BIN)

# ffmpeg with libreexpose as a libavfilter filter (FFmpeg/README.md): Debian's source package of the installed
# libav version, patched (--enable-libreexpose), built minimal into .build/ffmpeg (about 10 minutes on 2 cores).
ffmpeg: build
	bash FFmpeg/build.sh $(RELEASE_DIR)

# The filter against the pipe, frame for frame; skipped with a message when `make ffmpeg` has not run.
test-ffmpeg:
	bash FFmpeg/run-tests.sh $(BIN)

# Whole-pipeline goldens (Tests/Golden/README.md): exact frame hashes, PU21 bounds for learned presets.
test-golden:
	$(PYTHON) Tests/Golden/run.py --bin $(BIN)

# ThreadSanitizer over the filter, NN and execution-context tests (four filters on four threads among them):
# a separate instrumented debug build in .build/tsan, minutes long, so not part of `make test`. TSan exits
# non-zero on any report; Tests/tsan.supp suppresses only reports inside OpenBLAS and libav.
test-tsan:
	TSAN_OPTIONS="suppressions=$(abspath Tests/tsan.supp) second_deadlock_stack=1" \
	  $(SWIFT) test --sanitize=thread --scratch-path .build/tsan --filter 'ReexposeTests|NNTests|ExecutionTests'

# Memory must stay flat over long runs (Tests/Soak/soak.py; about 20 minutes; not part of make test).
SOAK_RUNS ?= --run fast:100000 --run balanced:5000
soak: build
	$(PYTHON) Tests/Soak/soak.py --binary $(BIN) $(SOAK_RUNS)

# libFuzzer targets (Tests/Fuzz/README.md), built with ASan into .build/fuzz (REEXPOSE_FUZZ=1 declares them):
# each runs for FUZZ_SECONDS on its committed seeds plus a working corpus in .build/fuzz/corpus/<target>; a
# crash, ASan/leak report or timeout is saved in .build/fuzz/findings/<target>/ and fails the run.
fuzz:
	SWIFT=$(SWIFT) bash Tests/Fuzz/run.sh $(FUZZ_SECONDS)

# The same build; every seed once, then FUZZ_TEST_SECONDS of fuzzing per target.
test-fuzz:
	SWIFT=$(SWIFT) bash Tests/Fuzz/run.sh $(FUZZ_TEST_SECONDS)

demo: build
	bash Examples/demo.sh $(BIN)

bench: ffmpeg
	$(SWIFT) build $(RELEASE_FLAGS) --product reexpose-bench-nn
	bash Examples/bench.sh $(BIN)
	$(RELEASE_DIR)/reexpose-bench-nn

# reexpose-batch: frames/s with 1 and 2 local Dask workers on one generated clip, and the efficiency.
bench-batch: build
	$(PYTHON) Batch/bench.py

bench-nn:
	$(SWIFT) build $(RELEASE_FLAGS) --product reexpose-bench-nn
	$(RELEASE_DIR)/reexpose-bench-nn

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/reexpose/presets $(DESTDIR)$(PREFIX)/share/reexpose/models
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/reexpose
	install -m 755 $(LIB) $(DESTDIR)$(PREFIX)/lib/libreexpose.so.$(VERSION)
	ln -sf libreexpose.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libreexpose.so.$(SOVERSION)
	ln -sf libreexpose.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libreexpose.so
	install -m 644 CShim/include/reexpose.h $(DESTDIR)$(PREFIX)/include/reexpose.h
	install -m 644 $(RELEASE_DIR)/reexpose.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/reexpose.pc
	install -m 644 Presets/*.yaml $(DESTDIR)$(PREFIX)/share/reexpose/presets/
	install -m 644 Models/*.safetensors Models/*.json $(DESTDIR)$(PREFIX)/share/reexpose/models/
	install -d $(DESTDIR)$(PREFIX)/share/reexpose/batch/reexpose_batch
	install -m 644 Batch/reexpose_batch/*.py $(DESTDIR)$(PREFIX)/share/reexpose/batch/reexpose_batch/
	printf '#!/bin/sh\nPYTHONPATH="$(PREFIX)/share/reexpose/batch$${PYTHONPATH:+:$$PYTHONPATH}" exec "$${PYTHON:-python3}" -m reexpose_batch "$$@"\n' \
	  > $(DESTDIR)$(PREFIX)/bin/reexpose-batch && chmod 755 $(DESTDIR)$(PREFIX)/bin/reexpose-batch

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/reexpose $(DESTDIR)$(PREFIX)/bin/reexpose-batch $(DESTDIR)$(PREFIX)/lib/libreexpose.so* \
	  $(DESTDIR)$(PREFIX)/include/reexpose.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/reexpose.pc
	rm -rf $(DESTDIR)$(PREFIX)/share/reexpose

clean:
	rm -rf .build demo-out bench-out

# Training data and evaluation (Python; Training/make.inc).
-include Training/make.inc
