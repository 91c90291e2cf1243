#!/usr/bin/env bash
# Builds the libFuzzer targets (ASan, debug, .build/fuzz) and runs each in turn (Tests/Fuzz/README.md).
#
#   Tests/Fuzz/run.sh SECONDS [TARGET...]   fuzz each TARGET (default: all) for SECONDS seconds
#   Tests/Fuzz/run.sh --build               only build them
#
# Each run reads the committed seeds (Tests/Fuzz/Corpus/<target>, never written) and a working corpus
# (.build/fuzz/corpus/<target>, where new inputs go and which later runs reuse); a finding (crash, ASan or
# leak report, timeout, out-of-memory) is written to .build/fuzz/findings/<target>/ and the log to
# .build/fuzz/logs/<target>.log. Exit status 1 when any target had a finding.
set -uo pipefail
cd "$(dirname "$0")/../.."

SWIFT=${SWIFT:-swift}
BUILD=.build/fuzz
TARGETS_ALL=(PresetLoader PresetOverrides EventFile SafeTensors MediaReader)

# libFuzzer options per target: the largest input worth mutating (seeds are well below it), a dictionary.
# MediaReader: libav's decoder threads start and end with every input, which libFuzzer takes for a possible
# leak and answers with a whole-heap LeakSanitizer scan per input (80 % of the time); leaks are still checked
# once, at the end of the run.
options() {
  case "$1" in
    PresetLoader) echo "-max_len=4096 -dict=Tests/Fuzz/presets.dict" ;;
    PresetOverrides) echo "-max_len=1024 -dict=Tests/Fuzz/presets.dict" ;;
    EventFile) echo "-max_len=2048 -dict=Tests/Fuzz/events.dict" ;;
    SafeTensors) echo "-max_len=4096 -dict=Tests/Fuzz/safetensors.dict" ;;
    MediaReader) echo "-max_len=32768 -detect_leaks=0" ;;
    *) echo "unknown fuzz target '$1' (one of: ${TARGETS_ALL[*]})" >&2; return 1 ;;
  esac
}

build() {
  # -Xcc instruments the C code too (CShim, libyaml inside Yams) for coverage and ASan; libav is not rebuilt.
  # -O (in the debug configuration, so runtime checks stay on): -Onone runs the media target 15x slower.
  local target
  for target in "${TARGETS_ALL[@]}"; do
    # (ld.gold warns once per ASan symbol that it cannot export it; the warning is harmless and hidden.)
    REEXPOSE_FUZZ=1 "$SWIFT" build --build-path "$BUILD" -c debug -Xswiftc -O \
      -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address --product "Fuzz$target" 2>&1 \
      | grep -v "Cannot export local symbol"
    [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "fuzz: building Fuzz$target failed" >&2; return 1; }
  done
}

if [ "${1:-}" = "--build" ]; then
  build
  exit $?
fi
seconds=${1:?usage: Tests/Fuzz/run.sh SECONDS [TARGET...] | --build}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${TARGETS_ALL[@]}")
for target in "${targets[@]}"; do options "$target" >/dev/null || exit 2; done
build || exit 2

# The Swift runtime's backtracer would catch the crash before libFuzzer saves the input.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
failed=()
for target in "${targets[@]}"; do
  mkdir -p "$BUILD/corpus/$target" "$BUILD/findings/$target" "$BUILD/logs"
  log="$BUILD/logs/$target.log"
  # shellcheck disable=SC2046  # options are words
  "$BUILD/debug/Fuzz$target" $(options "$target") -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$BUILD/findings/$target/" \
    "$BUILD/corpus/$target" "Tests/Fuzz/Corpus/$target" >"$log" 2>&1
  status=$?
  runs=$(grep -o '^stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*')
  ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*')
  corp=$(echo "$last" | grep -o 'corp: [0-9]*' | grep -o '[0-9]*')
  if [ $status -eq 0 ]; then
    echo "fuzz: $target: ${runs:-?} runs in ${seconds}s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}: no finding"
  else
    echo "fuzz: $target: FINDING (exit $status) after ${runs:-?} runs; input in $BUILD/findings/$target/, log $log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*Precondition failed|.*Fatal error)' "$log" | head -5
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in: ${failed[*]}"
  exit 1
fi
