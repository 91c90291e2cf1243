import CShim
import Imaging
import Reexpose

/// Copies between the C API's `ReexposePlanarFrame` (caller-owned, strided) and `PlanarImage`.
enum PlanarBuffers {
  /// Largest accepted side, to reject garbage sizes before allocating.
  static let maxSide = Int32(ReexposeFilter.maxSide)

  static func plane(_ f: ReexposePlanarFrame, _ i: Int) -> (UnsafeMutablePointer<Float>?, Int) {
    let p = withUnsafeBytes(of: f.planes) { $0.load(fromByteOffset: i * MemoryLayout<UnsafeMutablePointer<Float>?>.stride, as: UnsafeMutablePointer<Float>?.self) }
    let l = withUnsafeBytes(of: f.linesize) { $0.load(fromByteOffset: i * MemoryLayout<Int>.stride, as: Int.self) }
    return (p, l)
  }

  /// Throws unless the frame has a sane size, three planes, line sizes of at least width floats and
  /// planes whose byte span fits in `Int` (overflow-checked).
  static func check(_ f: ReexposePlanarFrame) throws {
    if f.width <= 0 || f.height <= 0 || f.width > maxSide || f.height > maxSide {
      throw FilterError.invalidArgument("planar frame has a bad size \(f.width)x\(f.height)")
    }
    for i in 0..<3 {
      let (p, l) = plane(f, i)
      if p == nil { throw FilterError.invalidArgument("planar frame plane \(i) is NULL") }
      if l < Int(f.width) * 4 { throw FilterError.invalidArgument("planar frame linesize[\(i)] = \(l) is below width × 4") }
      let span = l.multipliedReportingOverflow(by: Int(f.height) - 1)
      if span.overflow || span.partialValue.addingReportingOverflow(Int(f.width) * 4).overflow {
        throw FilterError.invalidArgument("planar frame plane \(i) spans more bytes than can be addressed (linesize \(l))")
      }
    }
  }

  static func checkWritable(_ f: ReexposePlanarFrame) throws { try check(f) }

  /// Copies the caller's planes into a new image.
  static func read(_ f: ReexposePlanarFrame) throws -> PlanarImage {
    try check(f)
    let w = Int(f.width), h = Int(f.height)
    let image = PlanarImage(width: w, height: h)
    for c in 0..<3 {
      let (p, l) = plane(f, c)
      let base = UnsafeRawPointer(p!)
      for y in 0..<h { image.row(c, y).update(from: (base + y * l).assumingMemoryBound(to: Float.self), count: w) }
    }
    return image
  }

  /// Copies `image` into the caller's planes, which must have the image's size.
  static func write(_ image: PlanarImage, pts: Int64?, into out: UnsafeMutablePointer<ReexposePlanarFrame>) throws {
    let f = out.pointee
    if Int(f.width) != image.width || Int(f.height) != image.height {
      throw FilterError.invalidArgument("planar output is \(f.width)x\(f.height), frame is \(image.width)x\(image.height)")
    }
    for c in 0..<3 {
      let (p, l) = plane(f, c)
      let base = UnsafeMutableRawPointer(p!)
      for y in 0..<image.height { (base + y * l).assumingMemoryBound(to: Float.self).update(from: image.row(c, y), count: image.width) }
    }
    out.pointee.pts = pts ?? rx_nopts_value()
  }
}
