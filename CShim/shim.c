#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <malloc.h>

#include "CShim.h"

int rx_image_path(const void *address, char *buf, size_t size) {
  Dl_info info;
  if (!dladdr(address, &info) || !info.dli_fname || !info.dli_fname[0]) return -1;
  snprintf(buf, size, "%s", info.dli_fname);
  return 0;
}

void rx_error_string(int errnum, char *buf, size_t size) {
  if (av_strerror(errnum, buf, size) < 0) {
    snprintf(buf, size, "libav error %d", errnum);
  }
}

void rx_set_log_level(int level) { av_log_set_level(level); }

void rx_set_malloc_thresholds(int mmap_bytes, int trim_bytes) {
  mallopt(M_MMAP_THRESHOLD, mmap_bytes);
  mallopt(M_TRIM_THRESHOLD, trim_bytes);
}

void rx_blas_set_threads(int n) { openblas_set_num_threads(n); }
int rx_blas_get_threads(void) { return openblas_get_num_threads(); }
