import CShim

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
    // A descriptor whose steps reach past the rows libav allocates cannot be read this way: uyyvyy411 gives
    // luma a step of 4 bytes in rows of 1.5 bytes a pixel. Probed at one width; frames are checked again.
    let probe = 64
    for i in comps.indices where bytesRead(component: i, width: probe) > Int(av_image_get_linesize(fmt, Int32(probe), Int32(comps[i].plane))) {
      return nil
    }
  }

  /// How far into its plane's row component `i` of a `width`-pixel row reaches, in bytes (Y'CbCr chroma is
  /// read at its subsampled width, as ``InputKernel`` does).
  func bytesRead(component i: Int, width: Int) -> Int {
    let c = components[i]
    let count = kind == .yuv && i > 0 ? (width + (1 << log2ChromaW) - 1) >> log2ChromaW : width
    return c.offset + (count - 1) * c.step + (wide ? 2 : 1)
  }

  /// Decodes `count` samples of component `c` from `row` as `a · code + b` into `out`.
  ///
  /// 8-bit and 16-bit planar components take an 8-lane path (integer → float by the 2²³ magic number);
  /// interleaved and shifted components a scalar one.
  @inline(__always)
  func decode(
    _ c: ComponentLayout, row: UnsafeRawPointer, count: Int, a: Float, b: Float, out: UnsafeMutablePointer<Float>
  ) {
    let base = row + c.offset
    var x = 0
    if !wide && c.step == 1 {
      while x + 8 <= count {
        let v = (base + x).loadUnaligned(as: SIMD8<UInt8>.self)
        SIMDLUT.store8(SIMDLUT.float(SIMD8<Int32>(truncatingIfNeeded: v)) * a + b, out + x)
        x += 8
      }
    } else if wide && c.step == 2 && c.shift == 0 {
      let mask = SIMD8<Int32>(repeating: Int32(c.mask))
      while x + 8 <= count {
        let v = (base + 2 * x).loadUnaligned(as: SIMD8<UInt16>.self)
        SIMDLUT.store8(SIMDLUT.float(SIMD8<Int32>(truncatingIfNeeded: v) & mask) * a + b, out + x)
        x += 8
      }
    }
    let step = c.step, shift = c.shift, mask = c.mask
    if wide {
      while x < count {
        let v = Int(base.loadUnaligned(fromByteOffset: x * step, as: UInt16.self))
        out[x] = Float((v >> shift) & mask) * a + b
        x += 1
      }
    } else {
      while x < count {
        out[x] = Float(base.load(fromByteOffset: x * step, as: UInt8.self)) * a + b
        x += 1
      }
    }
  }
}
