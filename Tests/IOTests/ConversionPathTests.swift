import CShim
import Imaging
import Media
import XCTest

import IO

/// The fast paths of the output side: vectorised 4:2:0 chroma, pooled packed frame buffers and the writer's
/// zero-copy rawvideo packets must give exactly what the general paths give.
final class ConversionPathTests: XCTestCase {
  /// A deterministic colourful image (linear, some values above SDR white and a few negative).
  private func pattern(width: Int, height: Int, seed: Int = 0) -> PlanarImage {
    let img = PlanarImage(width: width, height: height)
    for c in 0..<3 {
      for y in 0..<height {
        for x in 0..<width {
          let v = (x * (7 + 3 * c) + y * (11 + c) + seed * 5 + c * 13) % 97
          img[c, y, x] = Float(v) / 60 - 0.05
        }
      }
    }
    return img
  }

  /// Plane `p` of `frame` as rows of `bytes` bytes.
  private func rows(_ frame: LibavFrame, plane p: Int, count: Int, bytes: Int) -> [[UInt8]] {
    withExtendedLifetime(frame) {
      let f = frame.pointer
      let data = [f.pointee.data.0, f.pointee.data.1, f.pointee.data.2]
      let lines = [f.pointee.linesize.0, f.pointee.linesize.1, f.pointee.linesize.2]
      return (0..<count).map { y in
        Array(UnsafeBufferPointer(start: data[p]! + y * Int(lines[p]), count: bytes))
      }
    }
  }

  func testChroma420MatchesFilteredChromaOf444() throws {
    for (w, h) in [(8, 2), (24, 3), (40, 4), (64, 4), (70, 5), (130, 2), (1920, 2)] {
      var p = OutputParams()
      p.transfer = "hlg"
      let img = pattern(width: w, height: h)
      let f420 = try OutputConverter(params: p).convert(img, pts: 0)
      p.pixelFormat = .yuv444p10le
      let f444 = try OutputConverter(params: p).convert(img, pts: 0)
      for y in 0..<h {
        for x in 0..<w {
          XCTAssertEqual(
            FrameFactory.sample16(f420, plane: 0, x: x, y: y), FrameFactory.sample16(f444, plane: 0, x: x, y: y),
            "Y \(w)x\(h) at \(x),\(y)")
        }
      }
      for plane in 1...2 {
        for t in 0..<(h + 1) / 2 {
          let y0 = 2 * t, y1 = min(2 * t + 1, h - 1)
          for i in 0..<(w + 1) / 2 {
            let x = 2 * i
            var ref = 0.0
            for (col, weight) in [(max(x - 1, 0), 0.25), (x, 0.5), (min(x + 1, w - 1), 0.25)] {
              for y in [y0, y1] { ref += 0.5 * weight * Double(FrameFactory.sample16(f444, plane: plane, x: col, y: y)) }
            }
            let got = FrameFactory.sample16(f420, plane: plane, x: i, y: t)
            // The 4:4:4 codes are rounded per pixel: ≤ ½ code there plus ½ code of the final rounding.
            XCTAssertEqual(Double(got), ref, accuracy: 1.0, "plane \(plane) \(w)x\(h) at \(i),\(t)")
          }
        }
      }
    }
  }

  func testPooledFramesStayDistinctWhileAliveAndRecycledBuffersAreRewritten() throws {
    let conv = try OutputConverter(params: OutputParams())
    let frames = try (0..<4).map { try conv.convert(pattern(width: 64, height: 48, seed: $0), pts: Int64($0)) }
    let bases = Set(frames.map { UInt(bitPattern: $0.pointer.pointee.data.0) })
    XCTAssertEqual(bases.count, 4)
    // Converting the same image again gives the same bytes.
    let first = rows(frames[0], plane: 0, count: 48, bytes: 128)
    let again = try conv.convert(pattern(width: 64, height: 48, seed: 0), pts: 9)
    XCTAssertEqual(frames.count, 4)  // all still alive: `again` got a fifth buffer
    XCTAssertEqual(rows(again, plane: 0, count: 48, bytes: 128), first)
  }

  func testWrittenRawVideoIsBitExactPackedAndPaddedFrames() throws {
    let t = try ToolRunner()
    for (w, h) in [(64, 48), (70, 30)] {  // 64: pooled packed buffers (zero-copy packets); 70: libav-padded rows
      for format in [ContainerFormat.mkv, .nut, .raw] {
        let params = OutputParams()
        let conv = try OutputConverter(params: params)
        let out = t.path("bitexact-\(w).\(format.rawValue)")
        let writer = try MediaWriter(
          path: out, format: format, params: params, width: w, height: h, timeBase: AVRational(num: 1, den: 25),
          frameRate: AVRational(num: 25, den: 1))
        var expected: [[[UInt8]]] = []
        for i in 0..<3 {
          let frame = try conv.convert(pattern(width: w, height: h, seed: i), pts: Int64(i), duration: 1)
          expected.append(
            rows(frame, plane: 0, count: h, bytes: 2 * w)
              + rows(frame, plane: 1, count: (h + 1) / 2, bytes: 2 * ((w + 1) / 2))
              + rows(frame, plane: 2, count: (h + 1) / 2, bytes: 2 * ((w + 1) / 2)))
          try writer.write(video: frame)
        }
        try writer.finish()
        let raw = format == .raw ? RawVideoOptions(width: w, height: h, pixelFormat: "yuv420p10le") : nil
        let reader = try MediaReader(path: out, raw: raw)
        var got: [[[UInt8]]] = []
        while let item = try reader.next() {
          guard case .video(let f) = item else { continue }
          got.append(
            rows(f, plane: 0, count: h, bytes: 2 * w)
              + rows(f, plane: 1, count: (h + 1) / 2, bytes: 2 * ((w + 1) / 2))
              + rows(f, plane: 2, count: (h + 1) / 2, bytes: 2 * ((w + 1) / 2)))
        }
        XCTAssertEqual(got.count, 3, "\(w)x\(h) \(format.rawValue)")
        XCTAssertTrue(got == expected, "\(w)x\(h) \(format.rawValue): decoded planes differ from the converted frames")
      }
    }
  }

  func testRecycledBufferIsFullyRewritten() throws {
    let conv = try OutputConverter(params: OutputParams())
    let reference = rows(try conv.convert(pattern(width: 64, height: 48, seed: 1), pts: 0), plane: 1, count: 24, bytes: 64)
    // (that frame is gone now: its buffer is back in the pool)
    // The first frame's buffer went back to the pool; a different image goes through it, then the first again.
    _ = try conv.convert(pattern(width: 64, height: 48, seed: 2), pts: 1)
    let again = try conv.convert(pattern(width: 64, height: 48, seed: 1), pts: 2)
    XCTAssertEqual(rows(again, plane: 1, count: 24, bytes: 64), reference)
  }
}
