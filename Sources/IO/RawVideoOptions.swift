import CShim

/// How to read headerless raw frames (`-f rawvideo`): size, pixel format and frame rate.
public struct RawVideoOptions: Sendable {
  /// Frame width in pixels (> 0).
  public var width: Int
  /// Frame height in pixels (> 0).
  public var height: Int
  /// libav pixel format name, e.g. `yuv420p`, `rgb24`, `yuv420p10le`.
  public var pixelFormat: String
  /// Frame rate; the stream time base is its inverse. Default 25/1.
  public var frameRate: AVRational

  public init(width: Int, height: Int, pixelFormat: String, frameRate: AVRational = AVRational(num: 25, den: 1)) {
    self.width = width
    self.height = height
    self.pixelFormat = pixelFormat
    self.frameRate = frameRate
  }

  /// The libav pixel format, or an `IOError.invalidArgument` naming the bad value.
  func validatedFormat() throws -> AVPixelFormat {
    guard width > 0, height > 0 else {
      throw IOError.invalidArgument("raw video size must be positive, got \(width)x\(height)")
    }
    guard frameRate.num > 0, frameRate.den > 0 else {
      throw IOError.invalidArgument("raw video frame rate must be positive, got \(frameRate.num)/\(frameRate.den)")
    }
    let fmt = av_get_pix_fmt(pixelFormat)
    if fmt == AV_PIX_FMT_NONE {
      throw IOError.invalidArgument("unknown pixel format '\(pixelFormat)'")
    }
    return fmt
  }

  /// Bytes in one frame (what each rawvideo packet must hold).
  func frameBytes(_ fmt: AVPixelFormat) -> Int {
    Int(av_image_get_buffer_size(fmt, Int32(width), Int32(height), 1))
  }
}
