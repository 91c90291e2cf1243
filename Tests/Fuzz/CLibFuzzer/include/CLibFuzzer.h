/* libFuzzer's library entry point, for Swift (Tests/Fuzz/README.md).
 * Present only in binaries linked with -sanitize=fuzzer; compiler-rt's FuzzerInterface.h declares it the same. */
#ifndef CLIBFUZZER_H
#define CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

/* Runs libFuzzer's command line (corpus directories, -max_total_time=, -runs=, …) over `callback`, which
 * must return 0; returns the exit status libFuzzer would (it exits by itself on a finding). */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
