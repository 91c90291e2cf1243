import Foundation
import Imaging

/// Reads Radiance RGBE (`.hdr`, `.pic`) stills, which ffmpeg 5.1 cannot decode (its `hdr` decoder came in 6.0).
///
/// Format (Greg Ward, "Real Pixels", Graphics Gems II; Radiance `color.c`): a text header starting `#?RADIANCE`
/// or `#?RGBE`, `KEY=value` lines (FORMAT must be `32-bit_rle_rgbe`; EXPOSURE multipliers are undone), an empty
/// line, a resolution line (`-Y H +X W` top-down or `+Y H +X W` bottom-up), then scanlines of 4-byte pixels:
/// flat, old-style run-length (a 1,1,1 pixel repeats the previous one), or new-style (2,2,hi,lo then each
/// component run-length coded: a count > 128 repeats the next byte count − 128 times, else count literals).
/// A pixel (r, g, b, e) is ((r, g, b) + 0.5) · 2^(e − 136), and 0 when e = 0. Colours are taken as BT.709.
public enum RadianceImage {
  /// Whether `bytes` start like a Radiance file.
  public static func isRadiance(_ bytes: Data) -> Bool {
    bytes.starts(with: Array("#?RADIANCE".utf8)) || bytes.starts(with: Array("#?RGBE".utf8))
  }

  /// Decodes a whole file; linear light [3, H, W].
  /// - Throws: `IOError.corrupt`/`.truncated`/`.unsupported` naming `path`.
  public static func decode(_ bytes: Data, path: String) throws -> PlanarImage {
    try bytes.withUnsafeBytes { raw in
      var p = Parser(bytes: raw.bindMemory(to: UInt8.self), path: path)
      return try p.image()
    }
  }

  /// The largest side accepted, as for video frames.
  public static let maxSide = 16384

  private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let path: String
    var at = 0

    func corrupt(_ why: String) -> IOError { .corrupt(path: path, detail: "Radiance image: \(why)") }

    mutating func line() throws -> String {
      guard let end = bytes[at...].firstIndex(of: 0x0A) else { throw IOError.truncated(path: path, detail: "Radiance header has no end") }
      defer { at = end + 1 }
      return String(decoding: bytes[at..<end], as: UTF8.self)
    }

    mutating func image() throws -> PlanarImage {
      var exposure: Float = 1
      _ = try line()  // the magic, checked by the caller
      while true {
        let l = try line()
        if l.isEmpty { break }
        if l.hasPrefix("FORMAT=") && l != "FORMAT=32-bit_rle_rgbe" {
          throw IOError.unsupported("Radiance \(l.dropFirst(7)) in reference image '\(path)' (only 32-bit_rle_rgbe)")
        }
        if l.hasPrefix("EXPOSURE="), let e = Float(l.dropFirst(9).trimmingCharacters(in: .whitespaces)), e > 0, e.isFinite {
          exposure *= e
        }
      }
      let res = try line().split(separator: " ")
      guard res.count == 4, res[0] == "-Y" || res[0] == "+Y", res[2] == "+X", let h = Int(res[1]), let w = Int(res[3])
      else { throw IOError.unsupported("Radiance orientation other than -Y H +X W or +Y H +X W in '\(path)'") }
      guard (1...RadianceImage.maxSide).contains(w), (1...RadianceImage.maxSide).contains(h) else {
        throw corrupt("size \(w)x\(h); sides are limited to 1...\(RadianceImage.maxSide)")
      }
      let out = PlanarImage(width: w, height: h, channels: 3)
      var scan = [UInt8](repeating: 0, count: 4 * w)
      for row in 0..<h {
        try scanline(into: &scan, width: w, row: row)
        let y = res[0] == "-Y" ? row : h - 1 - row
        let r = out.row(0, y), g = out.row(1, y), b = out.row(2, y)
        for x in 0..<w {
          let e = Int(scan[4 * x + 3])
          if e == 0 { r[x] = 0; g[x] = 0; b[x] = 0; continue }
          let f = Float(sign: .plus, exponent: e - 136, significand: 1) / exposure
          r[x] = (Float(scan[4 * x]) + 0.5) * f
          g[x] = (Float(scan[4 * x + 1]) + 0.5) * f
          b[x] = (Float(scan[4 * x + 2]) + 0.5) * f
        }
      }
      return out
    }

    mutating func byte() throws -> UInt8 {
      guard at < bytes.count else { throw IOError.truncated(path: path, detail: "Radiance image ends inside its pixels") }
      defer { at += 1 }
      return bytes[at]
    }

    /// One scanline of RGBE pixels into `scan` (4 bytes a pixel).
    mutating func scanline(into scan: inout [UInt8], width w: Int, row: Int) throws {
      guard at + 4 <= bytes.count else { throw IOError.truncated(path: path, detail: "Radiance image ends at row \(row)") }
      let isNewRLE = w >= 8 && w < 32768 && bytes[at] == 2 && bytes[at + 1] == 2 && bytes[at + 2] & 0x80 == 0
      if isNewRLE {
        let declared = Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        guard declared == w else { throw corrupt("row \(row) declares width \(declared), not \(w)") }
        at += 4
        for c in 0..<4 {
          var x = 0
          while x < w {
            var count = Int(try byte())
            if count > 128 {
              count -= 128
              guard x + count <= w else { throw corrupt("run past the end of row \(row)") }
              let v = try byte()
              for i in x..<x + count { scan[4 * i + c] = v }
            } else {
              guard count > 0, x + count <= w else { throw corrupt("bad run length in row \(row)") }
              for i in x..<x + count { scan[4 * i + c] = try byte() }
            }
            x += count
          }
        }
        return
      }
      // Flat pixels, where a (1, 1, 1, n) pixel repeats the previous one n << shift times (old-style RLE).
      var x = 0, shift = 0
      while x < w {
        let px = (try byte(), try byte(), try byte(), try byte())  // in file order: r, g, b, e
        if px.0 == 1 && px.1 == 1 && px.2 == 1 {
          guard x > 0 else { throw corrupt("row \(row) starts with a repeat") }
          guard shift < 24 else { throw corrupt("repeat count overflows in row \(row)") }
          let n = Int(px.3) << shift
          guard x + n <= w else { throw corrupt("repeat past the end of row \(row)") }
          for i in x..<x + n { for c in 0..<4 { scan[4 * i + c] = scan[4 * (x - 1) + c] } }
          x += n
          shift += 8
        } else {
          scan[4 * x] = px.0; scan[4 * x + 1] = px.1; scan[4 * x + 2] = px.2; scan[4 * x + 3] = px.3
          x += 1
          shift = 0
        }
      }
    }
  }
}
