import CShim

/// Where one component of a pixel format lives: plane, byte step and offset, bit shift, mask.
struct ComponentLayout {
  var plane: Int
  var step: Int
  var offset: Int
  var shift: Int
  var mask: Int
}

/// How to read a pixel format that ``InputConverter`` supports, derived from libav's descriptor.
///
/// Supported: planar, semi-planar and packed Y'CbCr, RGB and gray with 8...16-bit little-endian
/// components (alpha ignored). Rejected: palette, Bayer, float, big-endian, bitstream, hardware, XYZ.
struct PixelLayout {
  enum Kind { case yuv, rgb, gray }
  let kind: Kind
  /// Bits per component.
  let depth: Int
  /// Whether components are stored in 16-bit words.
  let wide: Bool
  /// Y, Cb, Cr (yuv); R, G, B (rgb); Y (gray).
  let components: [ComponentLayout]
  /// log2 of the horizontal / vertical chroma subsampling.
  let log2ChromaW: Int
  let log2ChromaH: Int
  /// Whether the format name says full range (yuvj*).
  let impliesFullRange: Bool

  init?(_ fmt: AVPixelFormat) {
    guard let d = av_pix_fmt_desc_get(fmt)?.pointee else { return nil }
    let name = String(cString: d.name)
    let banned = UInt64(AV_PIX_FMT_FLAG_PAL) | UInt64(AV_PIX_FMT_FLAG_BAYER) | UInt64(AV_PIX_FMT_FLAG_FLOAT)
      | UInt64(AV_PIX_FMT_FLAG_BE) | UInt64(AV_PIX_FMT_FLAG_BITSTREAM) | UInt64(AV_PIX_FMT_FLAG_HWACCEL)
    if d.flags & banned != 0 || name.hasPrefix("xyz") || d.nb_components < 1 { return nil }
    let isRGB = d.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0
    let n = Int(d.nb_components)
    let kind: Kind = isRGB ? .rgb : (n >= 3 ? .yuv : .gray)
    if kind == .rgb && n < 3 { return nil }
    let used = kind == .gray ? 1 : 3
    let all = [d.comp.0, d.comp.1, d.comp.2, d.comp.3]
    let depth = Int(all[0].depth)
    guard (8...16).contains(depth) else { return nil }
    let wide = depth > 8
    var comps: [ComponentLayout] = []
    for c in all.prefix(used) {
      guard Int(c.depth) == depth else { return nil }
      let bits = Int(c.shift) + depth
      if wide ? bits > 16 : bits > 8 { return nil }
      comps.append(ComponentLayout(
        plane: Int(c.plane), step: Int(c.step), offset: Int(c.offset), shift: Int(c.shift),
        mask: (1 << depth) - 1))
    }
    self.kind = kind
    self.depth = depth
    self.wide = wide
    components = comps
    log2ChromaW = kind == .yuv ? Int(d.log2_chroma_w) : 0
    log2ChromaH = kind == .yuv ? Int(d.log2_chroma_h) : 0
    impliesFullRange = name.hasPrefix("yuvj")
  }

  /// Reads `count` samples of component `c` from `row` through `lut` (code → value) into `out`.
  @inline(__always)
  func gather(
    _ c: ComponentLayout, row: UnsafeRawPointer, count: Int, lut: UnsafePointer<Float>,
    out: UnsafeMutablePointer<Float>
  ) {
    let base = row + c.offset
    if wide {
      let shift = c.shift, mask = c.mask, step = c.step
      if step == 2 && shift == 0 {
        let p = base.assumingMemoryBound(to: UInt16.self)
        for x in 0..<count { out[x] = lut[Int(p[x]) & mask] }
      } else {
        for x in 0..<count {
          let v = Int(base.loadUnaligned(fromByteOffset: x * step, as: UInt16.self))
          out[x] = lut[(v >> shift) & mask]
        }
      }
    } else {
      let p = base.assumingMemoryBound(to: UInt8.self)
      if c.step == 1 {
        for x in 0..<count { out[x] = lut[Int(p[x])] }
      } else {
        let step = c.step
        for x in 0..<count { out[x] = lut[Int(p[x * step])] }
      }
    }
  }
}
