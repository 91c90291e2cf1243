import CShim
import IO

/// A 1080p yuv420p frame with a clipped sky gradient, a clipped disc and a dark noisy band.
enum SyntheticFrame {
  /// An allocated yuv420p frame tagged BT.709 limited range (contents undefined).
  static func blankBT709(width: Int, height: Int) -> LibavFrame {
    let frame = LibavFrame()
    let f = frame.pointer
    f.pointee.width = Int32(width)
    f.pointee.height = Int32(height)
    f.pointee.format = AV_PIX_FMT_YUV420P.rawValue
    f.pointee.color_range = AVCOL_RANGE_MPEG
    f.pointee.colorspace = AVCOL_SPC_BT709
    f.pointee.color_trc = AVCOL_TRC_BT709
    f.pointee.color_primaries = AVCOL_PRI_BT709
    _ = av_frame_get_buffer(f, 0)
    return frame
  }

  static func make(width: Int, height: Int, shift: Int) -> LibavFrame {
    let frame = blankBT709(width: width, height: height)
    let f = frame.pointer
    let y = f.pointee.data.0!, u = f.pointee.data.1!, v = f.pointee.data.2!
    let ys = Int(f.pointee.linesize.0), cs = Int(f.pointee.linesize.1)
    var seed: UInt32 = 12345
    for row in 0..<height {
      for x in 0..<width {
        var value: Int
        if row < height / 2 {
          value = 120 + (row * 200) / (height / 2)  // sky: clips toward the horizon
        } else if row > height * 7 / 8 {
          seed = seed &* 1_664_525 &+ 1_013_904_223
          value = 18 + Int(seed >> 29)  // dark noisy band
        } else {
          value = 40 + ((x + shift) % 256) * 150 / 256
        }
        let dx = x - width * 2 / 3 - shift, dy = row - height / 4
        if dx * dx + dy * dy < (height / 10) * (height / 10) { value = 255 }
        y[row * ys + x] = UInt8(min(max(value, 16), 235))
      }
    }
    for row in 0..<(height / 2) {
      for x in 0..<(width / 2) {
        u[row * cs + x] = row < height / 4 ? 140 : 128
        v[row * cs + x] = row < height / 4 ? 118 : 128
      }
    }
    return frame
  }
}
