#include "CShim.h"

void rx_error_string(int errnum, char *buf, size_t size) {
  if (av_strerror(errnum, buf, size) < 0) {
    snprintf(buf, size, "libav error %d", errnum);
  }
}

void rx_set_log_level(int level) { av_log_set_level(level); }

void rx_blas_set_threads(int n) { openblas_set_num_threads(n); }
int rx_blas_get_threads(void) { return openblas_get_num_threads(); }
