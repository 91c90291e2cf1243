import CShim

/// Owns one `AVPacket`; the packet is freed when this object goes away.
public final class LibavPacket: @unchecked Sendable {
  /// The owned packet (never nil).
  public let pointer: UnsafeMutablePointer<AVPacket>

  /// Allocates an empty packet.
  public init() {
    guard let p = av_packet_alloc() else { fatalError("av_packet_alloc: out of memory") }
    pointer = p
  }

  deinit {
    var p: UnsafeMutablePointer<AVPacket>? = pointer
    av_packet_free(&p)
  }
}
