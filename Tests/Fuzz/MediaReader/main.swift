import CShim
import FuzzSupport
import IO

// libFuzzer target: the input is a media stream read from memory (`MemoryInput`) by `MediaReader`, every
// item taken with `next()` and each video frame converted by `InputConverter`, as the CLI does.
//
// Two kinds of input:
// - a container (Matroska, NUT, y4m, MPEG-TS, MP4, … whatever libavformat probes it as);
// - headerless raw frames (`--raw`): byte 0xFF, then width − 1 and height − 1 (mod 64), then the libav pixel
//   format number (16-bit little-endian; any value, unknown ones exercise the error), then the frames.
//
// Contract checked: opening, reading and converting throw only `IOError` (ASan and Swift's runtime checks
// catch the rest). Frames over 2^16 pixels are decoded but not converted, to keep the run on parsing.

let maxConvertedPixels = 1 << 16
/// First byte of a raw-frames input.
let rawMarker: UInt8 = 0xFF

/// Reads one input to its end; traps on a broken contract.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMediaReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  var bytes = Array(UnsafeBufferPointer(start: data, count: size))
  var raw: RawVideoOptions?
  if bytes.count >= 5, bytes[0] == rawMarker {
    let format = AVPixelFormat(rawValue: Int32(bytes[3]) | Int32(bytes[4]) << 8)
    let name = av_get_pix_fmt_name(format).map { String(cString: $0) } ?? "unknown-\(format.rawValue)"
    raw = RawVideoOptions(width: 1 + Int(bytes[1] % 64), height: 1 + Int(bytes[2] % 64), pixelFormat: name)
    bytes.removeFirst(5)
  }
  do {
    let reader = try MediaReader(path: "fuzz-input", raw: raw, memory: MemoryInput(bytes: bytes))
    let converter = InputConverter()
    var index = 0
    while let item = try reader.next() {
      guard case .video(let frame) = item, frame.width * frame.height <= maxConvertedPixels else { continue }
      _ = try converter.makeFrame(frame, index: index)
      index += 1
    }
  } catch is IOError {
  } catch {
    fatalError("MediaReader/InputConverter threw something other than IOError: \(error)")
  }
  return 0
}

rx_set_log_level(AV_LOG_QUIET)
runLibFuzzer(fuzzMediaReader)
