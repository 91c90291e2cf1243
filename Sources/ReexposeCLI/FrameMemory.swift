import CShim

/// How the process's allocator treats frame-sized blocks. glibc serves blocks above its mmap threshold with
/// fresh mappings and returns them to the kernel when freed, so every frame the stages allocate is faulted in
/// and zeroed by the kernel again (measured: 8–17 % of `fast`'s CPU time at 1080p in `clear_page`). Raising
/// the threshold to glibc's maximum (32 MiB: a 1080p RGB float frame is 25 MB) and keeping freed memory in the
/// heap lets the next frame reuse the same pages; the resident size then stays at the stream's high-water mark,
/// as it does anyway. Process-wide, so only the CLI sets it; library hosts keep their own allocator settings.
enum FrameMemory {
  static func keepFramesInTheHeap() {
    rx_set_malloc_thresholds(32 << 20, 512 << 20)
  }
}
