import CShim
import Color

/// Adds the `chromaticities` attribute to an OpenEXR frame written by libav 5.1's EXR encoder, which
/// leaves it out: without it, OpenEXR readers (Nuke, Resolve, oiiotool) assume BT.709/sRGB primaries, so a
/// BT.2020 or P3 float frame would be read with the wrong colours.
///
/// Layout (OpenEXR file format, "Header" and "Line Offset Table"): magic and version (8 bytes), attributes
/// `name\0type\0<int32 size><value>` ending with one null byte, then one uint64 per chunk holding the
/// chunk's absolute file offset. The attribute goes right before the header's null byte, so every offset
/// grows by its length. `chromaticities` holds eight floats: red, green, blue and white x, y (CIE 1931).
public enum EXRChromaticities {
  /// The attribute's bytes for `primaries`.
  static func attribute(_ primaries: Primaries) -> [UInt8] {
    let c = primaries.chromaticities
    var bytes = Array("chromaticities\0chromaticities\0".utf8)
    withUnsafeBytes(of: Int32(32).littleEndian) { bytes += $0 }
    for v in [c.r.0, c.r.1, c.g.0, c.g.1, c.b.0, c.b.1, c.w.0, c.w.1] {
      withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { bytes += $0 }
    }
    return bytes
  }

  /// `frame` with the attribute added, or nil when it is not a single-part scanline EXR this can patch
  /// (then it is written unchanged).
  public static func adding(_ primaries: Primaries, to frame: [UInt8]) -> [UInt8]? {
    guard frame.count > 8, frame[0] == 0x76, frame[1] == 0x2f, frame[2] == 0x31, frame[3] == 0x01 else { return nil }
    // Version flags: tiled (0x200), multi-part (0x1000) and deep (0x800) files are not what libav writes.
    guard frame[5] & 0x1A == 0 else { return nil }
    var at = 8
    var height = 0, linesPerChunk = 1
    func cString() -> String? {
      guard let end = frame[at...].firstIndex(of: 0) else { return nil }
      defer { at = end + 1 }
      return String(decoding: frame[at..<end], as: UTF8.self)
    }
    func int32(_ p: Int) -> Int { Int(Int32(littleEndian: frame[p..<p + 4].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) })) }
    while at < frame.count && frame[at] != 0 {
      guard let name = cString(), let type = cString(), at + 4 <= frame.count else { return nil }
      let size = int32(at)
      at += 4
      guard size >= 0, at + size <= frame.count else { return nil }
      if name == "chromaticities" { return nil }  // already there
      if name == "dataWindow" && type == "box2i" && size == 16 { height = int32(at + 12) - int32(at + 4) + 1 }
      if name == "compression" && size == 1 {
        // Scanlines per chunk by compression (none, RLE, ZIPS: 1; ZIP, PXR24: 16; PIZ, B44, B44A: 32).
        switch frame[at] {
        case 3, 5: linesPerChunk = 16
        case 4, 6, 7: linesPerChunk = 32
        default: linesPerChunk = 1
        }
      }
      at += size
    }
    guard at < frame.count, height > 0 else { return nil }
    let headerEnd = at  // the null byte closing the attribute list
    let chunks = (height + linesPerChunk - 1) / linesPerChunk
    let table = headerEnd + 1
    guard table + 8 * chunks <= frame.count else { return nil }
    let extra = attribute(primaries)
    var out = Array(frame[..<headerEnd]) + extra + [0]
    for i in 0..<chunks {
      let p = table + 8 * i
      let offset = UInt64(littleEndian: frame[p..<p + 8].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
      withUnsafeBytes(of: (offset + UInt64(extra.count)).littleEndian) { out += $0 }
    }
    out += frame[(table + 8 * chunks)...]
    return out
  }
}
