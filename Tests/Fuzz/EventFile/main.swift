import FuzzSupport
import IO

#if canImport(Glibc)
  import Glibc
#endif

// libFuzzer target: the input is an event file (`reexpose --events`), read through `EventFile` as the CLI
// reads it, one voxel grid per frame time.
//
// Contract checked: `init(path:)` and `voxels(until:)` throw only `IOError` (ASan and Swift's runtime checks
// catch the rest). Sensors over 2^18 pixels are only opened: their grids (5 planes each) would spend the run
// in allocation, and the header check that bounds them (16384²) is exercised all the same.

/// The file `EventFile` reads; one per process, rewritten for each input.
let scratch = ScratchFile("events")
/// Frame times in seconds: a 25 fps start, then long gaps that take in every later event.
let frameTimes: [Double] = [0, 0.04, 0.08, 0.5, 1, 60, 1e9, .greatestFiniteMagnitude]
let maxGridPixels = 1 << 18

/// Reads one input; traps on a broken contract.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  scratch.write(data, size)
  do {
    let events = try EventFile(path: scratch.path)
    guard events.width * events.height <= maxGridPixels else { return 0 }
    for t in frameTimes {
      let grid = try events.voxels(until: t)
      precondition(grid.width == events.width && grid.height == events.height && grid.channels == EventFile.bins)
    }
  } catch is IOError {
  } catch {
    fatalError("EventFile threw something other than IOError: \(error)")
  }
  return 0
}

atexit { scratch.remove() }
runLibFuzzer(fuzzEventFile)
