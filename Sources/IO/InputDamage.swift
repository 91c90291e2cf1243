/// What the reader found wrong in an input it could still read on from: the count behind the warnings, and
/// the `--strict` decision.
public struct InputDamage: Equatable, Sendable {
  /// Frames the demuxer skipped, inferred from timestamp jumps (``FrameGapDetector``).
  public var missingFrames = 0
  /// Frames the demuxer or decoder flagged as corrupt; they are passed on as decoded (concealed).
  public var corruptFrames = 0
  /// Video packets the decoder refused; their frames are lost.
  public var undecodablePackets = 0

  public init() {}

  /// Whether anything was found.
  public var isEmpty: Bool { missingFrames == 0 && corruptFrames == 0 && undecodablePackets == 0 }

  /// One line for the summary, e.g. "2 frames missing, 1 corrupt frame".
  public var summary: String {
    var parts: [String] = []
    func count(_ n: Int, _ one: String, _ many: String) { if n > 0 { parts.append("\(n) \(n == 1 ? one : many)") } }
    count(missingFrames, "frame missing", "frames missing")
    count(corruptFrames, "corrupt frame", "corrupt frames")
    count(undecodablePackets, "undecodable packet", "undecodable packets")
    return parts.isEmpty ? "no damage" : parts.joined(separator: ", ")
  }
}
