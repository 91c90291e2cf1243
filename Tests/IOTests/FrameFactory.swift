import CShim
import IO

/// Builds AVFrames with known sample values for conversion tests.
enum FrameFactory {
  /// A frame of `format` where every sample of plane `p` is `values[p]` (8- or 16-bit by the format).
  static func uniform(
    _ format: AVPixelFormat, width: Int = 64, height: Int = 48, values: [Int],
    range: AVColorRange = AVCOL_RANGE_MPEG, matrix: AVColorSpace = AVCOL_SPC_BT709,
    trc: AVColorTransferCharacteristic = AVCOL_TRC_BT709, primaries: AVColorPrimaries = AVCOL_PRI_BT709
  ) -> LibavFrame {
    custom(format, width: width, height: height, range: range, matrix: matrix, trc: trc, primaries: primaries) {
      p, _, _, _ in values[p]
    }
  }

  /// A frame whose sample at (plane, x, y, byteIndexInPixel) comes from `value`; packed formats get one
  /// call per byte/word in the row.
  static func custom(
    _ format: AVPixelFormat, width: Int = 64, height: Int = 48,
    range: AVColorRange = AVCOL_RANGE_MPEG, matrix: AVColorSpace = AVCOL_SPC_BT709,
    trc: AVColorTransferCharacteristic = AVCOL_TRC_BT709, primaries: AVColorPrimaries = AVCOL_PRI_BT709,
    value: (_ plane: Int, _ x: Int, _ y: Int, _ sub: Int) -> Int
  ) -> LibavFrame {
    let frame = LibavFrame()
    let f = frame.pointer
    f.pointee.format = format.rawValue
    f.pointee.width = Int32(width)
    f.pointee.height = Int32(height)
    precondition(av_frame_get_buffer(f, 0) >= 0)
    f.pointee.color_range = range
    f.pointee.colorspace = matrix
    f.pointee.color_trc = trc
    f.pointee.color_primaries = primaries
    f.pointee.pts = 0
    let d = av_pix_fmt_desc_get(format)!.pointee
    let wide = d.comp.0.depth > 8
    let planes = Int(av_pix_fmt_count_planes(format))
    let data = [f.pointee.data.0, f.pointee.data.1, f.pointee.data.2, f.pointee.data.3]
    let lines = [f.pointee.linesize.0, f.pointee.linesize.1, f.pointee.linesize.2, f.pointee.linesize.3]
    for p in 0..<planes {
      let isChroma = (p == 1 || p == 2) && d.flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0
      let ph = isChroma ? (height + (1 << d.log2_chroma_h) - 1) >> d.log2_chroma_h : height
      let bytesPerRow = Int(av_image_get_linesize(format, Int32(width), Int32(p)))
      let samples = wide ? bytesPerRow / 2 : bytesPerRow
      let cw = isChroma ? (width + (1 << d.log2_chroma_w) - 1) >> d.log2_chroma_w : width
      let perPixel = max(1, samples / max(cw, 1))
      for y in 0..<ph {
        let row = data[p]! + y * Int(lines[p])
        for s in 0..<samples {
          let v = value(p, s / perPixel, y, s % perPixel)
          if wide {
            UnsafeMutableRawPointer(row).storeBytes(of: UInt16(v), toByteOffset: 2 * s, as: UInt16.self)
          } else {
            row[s] = UInt8(v)
          }
        }
      }
    }
    return frame
  }

  /// Sample of plane `p` at (x, y) of a 16-bit frame.
  static func sample16(_ frame: LibavFrame, plane p: Int, x: Int, y: Int) -> Int {
    let f = frame.pointer.pointee
    let data = [f.data.0, f.data.1, f.data.2][p]!
    let line = Int([f.linesize.0, f.linesize.1, f.linesize.2][p])
    return Int(UnsafeRawPointer(data + y * line).load(fromByteOffset: 2 * x, as: UInt16.self))
  }

  /// Float sample of plane `p` at (x, y) of a float frame.
  static func sampleF(_ frame: LibavFrame, plane p: Int, x: Int, y: Int) -> Float {
    let f = frame.pointer.pointee
    let data = [f.data.0, f.data.1, f.data.2][p]!
    let line = Int([f.linesize.0, f.linesize.1, f.linesize.2][p])
    return UnsafeRawPointer(data + y * line).load(fromByteOffset: 4 * x, as: Float.self)
  }
}
