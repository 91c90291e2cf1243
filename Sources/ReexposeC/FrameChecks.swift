import CShim
import IO
import Reexpose

/// Checks of a caller's AVFrame at the C boundary, before anything reads its planes or allocates for its
/// size: sides, pixel format, a pointer and a line size for every plane the format needs, and the bytes
/// each plane spans (overflow-checked). A bad frame is ``FilterError/invalidArgument(_:)``
/// (`REEXPOSE_EINVAL`), never a crash.
enum FrameChecks {
  static func check(_ f: AVFrame) throws {
    let w = Int(f.width), h = Int(f.height)
    let maxSide = ReexposeFilter.maxSide
    if w <= 0 || h <= 0 { throw FilterError.invalidArgument("frame has no size (\(w)x\(h))") }
    if w > maxSide || h > maxSide {
      throw FilterError.invalidArgument("frame is \(w)x\(h); sides are limited to \(maxSide) pixels")
    }
    let format = AVPixelFormat(rawValue: f.format)
    guard let desc = av_pix_fmt_desc_get(format)?.pointee else {
      throw FilterError.invalidArgument("frame format \(f.format) is not a libav pixel format")
    }
    // Formats the converter does not read are rejected by it, with their name.
    guard InputConverter.supports(format) else { return }
    var minLinesizes = [Int32](repeating: 0, count: 4)
    if av_image_fill_linesizes(&minLinesizes, format, f.width) < 0 {
      throw FilterError.invalidArgument("frame of width \(w) cannot be laid out in \(String(cString: desc.name))")
    }
    let isRGB = desc.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0
    let used = isRGB || desc.nb_components >= 3 ? 3 : 1
    let comps = [desc.comp.0, desc.comp.1, desc.comp.2, desc.comp.3]
    let planes = Set(comps.prefix(used).map { Int($0.plane) })
    let name = String(cString: desc.name)
    for p in planes.sorted() {
      guard data(f, p) != nil else {
        throw FilterError.invalidArgument("frame data[\(p)] is NULL (\(name) needs \(planes.count) planes)")
      }
      let line = Int(linesize(f, p)), need = Int(minLinesizes[p])
      if line <= 0 {
        throw FilterError.invalidArgument("frame linesize[\(p)] = \(line) is not positive")
      }
      if line < need {
        throw FilterError.invalidArgument("frame linesize[\(p)] = \(line) is below the \(need) bytes a row of \(w) \(name) pixels needs")
      }
      let rows = p == 1 || p == 2 ? (h + (1 << Int(desc.log2_chroma_h)) - 1) >> Int(desc.log2_chroma_h) : h
      let span = line.multipliedReportingOverflow(by: rows - 1)
      if span.overflow || span.partialValue.addingReportingOverflow(need).overflow {
        throw FilterError.invalidArgument("frame plane \(p) spans more bytes than can be addressed")
      }
    }
  }

  /// data[i] (AVFrame.data is an imported 8-tuple).
  static func data(_ f: AVFrame, _ i: Int) -> UnsafeMutableRawPointer? {
    withUnsafeBytes(of: f.data) {
      $0.load(fromByteOffset: i * MemoryLayout<UnsafeMutablePointer<UInt8>?>.stride, as: UnsafeMutableRawPointer?.self)
    }
  }

  /// linesize[i] (AVFrame.linesize is an imported 8-tuple).
  static func linesize(_ f: AVFrame, _ i: Int) -> Int32 {
    withUnsafeBytes(of: f.linesize) { $0.load(fromByteOffset: i * MemoryLayout<Int32>.stride, as: Int32.self) }
  }
}
