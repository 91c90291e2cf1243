import CShim

/// Owns one `AVFrame`; the frame is freed when this object goes away.
///
/// Keep the object alive while using `pointer`. To hand the frame to C code that takes ownership, use
/// `av_frame_ref`/`av_frame_move_ref` on `pointer`.
public final class LibavFrame: @unchecked Sendable {
  /// The owned frame (never nil).
  public let pointer: UnsafeMutablePointer<AVFrame>

  /// Allocates an empty frame.
  public init() {
    guard let f = av_frame_alloc() else { fatalError("av_frame_alloc: out of memory") }
    pointer = f
  }

  deinit {
    var p: UnsafeMutablePointer<AVFrame>? = pointer
    av_frame_free(&p)
  }

  /// Presentation timestamp in the stream time base, nil when unknown.
  public var pts: Int64? {
    let v = pointer.pointee.pts
    return v == rx_nopts_value() ? nil : v
  }

  /// Duration in the stream time base, nil when unknown (pkt_duration in libav 5.1).
  public var duration: Int64? {
    let v = pointer.pointee.pkt_duration
    return v > 0 ? v : nil
  }

  public var width: Int { Int(pointer.pointee.width) }
  public var height: Int { Int(pointer.pointee.height) }
  /// The frame's pixel format.
  public var pixelFormat: AVPixelFormat { AVPixelFormat(rawValue: pointer.pointee.format) }
}
