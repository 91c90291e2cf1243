import CShim
import Color
import Imaging
import Media
import TestSupport
import XCTest

import IO

final class InputConverterTests: XCTestCase {
  private func convert(_ frame: LibavFrame, params: InputParams = InputParams()) throws -> (
    PlanarImage, PlanarImage, InputConverter
  ) {
    let c = InputConverter(params: params)
    let lin = PlanarImage(width: frame.width, height: frame.height)
    let sig = PlanarImage(width: frame.width, height: frame.height)
    try c.convert(frame.pointer, linear: lin, signal: sig)
    return (lin, sig, c)
  }

  private func assertUniform(
    _ img: PlanarImage, _ expected: [Float], tol: Float = 1e-4, file: StaticString = #filePath, line: UInt = #line
  ) {
    for c in 0..<3 {
      for i in 0..<img.planeSize {
        let v = img.plane(c)[i]
        if abs(v - expected[c]) > tol {
          XCTFail("channel \(c) pixel \(i): \(v) != \(expected[c])", file: file, line: line)
          return
        }
      }
    }
  }

  func testLimitedRange8bitWhiteIsLinearOne() throws {
    let (lin, sig, c) = try convert(FrameFactory.uniform(AV_PIX_FMT_YUV420P, values: [235, 128, 128]))
    assertUniform(lin, [1, 1, 1])
    assertUniform(sig, [1, 1, 1])
    XCTAssertEqual(c.warnings, [])
  }

  func testLimitedRange8bitBlackIsZero() throws {
    let (lin, _, _) = try convert(FrameFactory.uniform(AV_PIX_FMT_YUV420P, values: [16, 128, 128]))
    assertUniform(lin, [0, 0, 0])
  }

  func testGreyRampFollowsBT1886() throws {
    let frame = FrameFactory.custom(AV_PIX_FMT_YUV444P, width: 220, height: 2) { p, x, _, _ in p == 0 ? 16 + x : 128 }
    let (lin, _, _) = try convert(frame)
    for x in 0..<220 {
      let expected = Float(BT1886.eotf(Double(x) / 219))
      XCTAssertEqual(lin[0, 1, x], expected, accuracy: 1e-4)
      XCTAssertEqual(lin[2, 0, x], expected, accuracy: 1e-4)
    }
  }

  func test10bitAndFullRangeWhite() throws {
    let (a, _, _) = try convert(FrameFactory.uniform(AV_PIX_FMT_YUV420P10LE, values: [940, 512, 512]))
    assertUniform(a, [1, 1, 1])
    let (b, _, _) = try convert(FrameFactory.uniform(AV_PIX_FMT_YUVJ420P, values: [255, 128, 128],
                                                     range: AVCOL_RANGE_UNSPECIFIED))
    assertUniform(b, [1, 1, 1])
    let (c, _, _) = try convert(FrameFactory.uniform(AV_PIX_FMT_YUV422P, values: [255, 128, 128], range: AVCOL_RANGE_JPEG))
    assertUniform(c, [1, 1, 1])
  }

  func testBt709RedDecodesToPureRed() throws {
    // BT.709 limited: R' = 1, G' = B' = 0 → Y = 16 + 219·0.2126, Cb = 128 − 112·0.2126/0.9278, Cr = 240.
    let y = 16 + 219 * 0.2126, cb = 128 - 224 * 0.2126 / (2 * 0.9278)
    let frame = FrameFactory.uniform(AV_PIX_FMT_YUV444P10LE, values: [Int((y * 4).rounded()), Int((cb * 4).rounded()), 960])
    let (lin, _, _) = try convert(frame)
    assertUniform(lin, [1, 0, 0], tol: 6e-3)
  }

  func testRgb24GrayGbrpNv12MatchPlanar() throws {
    let (rgb, _, _) = try convert(FrameFactory.custom(AV_PIX_FMT_RGB24, range: AVCOL_RANGE_UNSPECIFIED) { _, _, _, s in
      [255, 128, 0][s]
    })
    XCTAssertEqual(rgb[0, 3, 3], 1, accuracy: 1e-4)
    XCTAssertEqual(rgb[1, 3, 3], Float(BT1886.eotf(128.0 / 255)), accuracy: 1e-4)
    XCTAssertEqual(rgb[2, 3, 3], 0, accuracy: 1e-6)
    // gbrp stores G, B, R planes.
    let (gbr, _, _) = try convert(FrameFactory.uniform(AV_PIX_FMT_GBRP, values: [128, 0, 255], range: AVCOL_RANGE_UNSPECIFIED))
    XCTAssertEqual(Approx.maxAbsDifference(rgb, gbr), 0, accuracy: 1e-6)
    let (gray, _, _) = try convert(FrameFactory.uniform(AV_PIX_FMT_GRAY8, values: [255], range: AVCOL_RANGE_UNSPECIFIED))
    assertUniform(gray, [1, 1, 1])
    let planar = FrameFactory.custom(AV_PIX_FMT_YUV420P) { p, x, y, _ in p == 0 ? 16 + (x * 3 + y) % 200 : 100 + p * 20 }
    let nv12 = FrameFactory.custom(AV_PIX_FMT_NV12) { p, x, y, s in p == 0 ? 16 + (x * 3 + y) % 200 : 100 + (s + 1) * 20 }
    let (a, _, _) = try convert(planar)
    let (b, _, _) = try convert(nv12)
    XCTAssertEqual(Approx.maxAbsDifference(a, b), 0, accuracy: 1e-6)
  }

  func testExplicitTransfers() throws {
    let frame = FrameFactory.uniform(AV_PIX_FMT_GRAY8, values: [128], range: AVCOL_RANGE_JPEG)
    var p = InputParams()
    p.transfer = "srgb"
    XCTAssertEqual(try convert(frame, params: p).0[0, 0, 0], Float(SRGB.eotf(128.0 / 255)), accuracy: 1e-4)
    p.transfer = "bt709"
    XCTAssertEqual(try convert(frame, params: p).0[1, 0, 0], Float(BT709.inverseOETF(128.0 / 255)), accuracy: 1e-4)
    let tagged = FrameFactory.uniform(AV_PIX_FMT_GRAY8, values: [128], range: AVCOL_RANGE_JPEG, trc: AVCOL_TRC_IEC61966_2_1)
    XCTAssertEqual(try convert(tagged).0[2, 0, 0], Float(SRGB.eotf(128.0 / 255)), accuracy: 1e-4)
  }

  func testBt2020TaggedInputIsConvertedToBT709() throws {
    let white = FrameFactory.uniform(AV_PIX_FMT_YUV420P10LE, values: [940, 512, 512], matrix: AVCOL_SPC_BT2020_NCL,
                                     trc: AVCOL_TRC_BT2020_10, primaries: AVCOL_PRI_BT2020)
    let (lin, _, _) = try convert(white)
    assertUniform(lin, [1, 1, 1], tol: 1e-4)
    // BT.2020 pure green is outside BT.709: red and blue clip at 0, green is 1.1329 (BT.2020 → BT.709 matrix).
    let green = FrameFactory.custom(AV_PIX_FMT_GBRP, range: AVCOL_RANGE_JPEG, matrix: AVCOL_SPC_RGB,
                                    primaries: AVCOL_PRI_BT2020) { p, _, _, _ in p == 0 ? 255 : 0 }
    let (g, _, _) = try convert(green)
    XCTAssertEqual(g[0, 0, 0], 0)
    XCTAssertEqual(g[1, 0, 0], Float(Primaries.conversion(from: .bt2020, to: .bt709)[1, 1]), accuracy: 1e-4)
    XCTAssertEqual(g[2, 0, 0], 0)
  }

  func testUntaggedInputWarnsOnce() throws {
    let frame = FrameFactory.uniform(AV_PIX_FMT_YUV420P, values: [235, 128, 128], range: AVCOL_RANGE_UNSPECIFIED,
                                     matrix: AVCOL_SPC_UNSPECIFIED, trc: AVCOL_TRC_UNSPECIFIED,
                                     primaries: AVCOL_PRI_UNSPECIFIED)
    var seen: [String] = []
    let c = InputConverter(onWarning: { seen.append($0) })
    let lin = PlanarImage(width: 64, height: 48)
    for _ in 0..<3 { try c.convert(frame.pointer, linear: lin, signal: nil) }
    XCTAssertEqual(c.warnings.count, 1)
    XCTAssertEqual(seen, c.warnings)
    XCTAssertTrue(c.warnings[0].contains("assuming BT.709 SDR, limited range"), c.warnings[0])
    assertUniform(lin, [1, 1, 1])
  }

  func testHdrInputThrowsUnsupported() throws {
    let frame = FrameFactory.uniform(AV_PIX_FMT_YUV420P10LE, values: [500, 512, 512], trc: AVCOL_TRC_SMPTE2084)
    XCTAssertThrowsError(try convert(frame)) { e in
      XCTAssertEqual(e as? IOError, .unsupported("input is already HDR (smpte2084)"))
    }
  }

  /// Found by Tests/Fuzz (MediaReader, raw input): libav describes uyyvyy411's luma with a 4-byte step in rows
  /// of 1.5 bytes a pixel, so converting it read past every row (ASan heap-buffer-overflow). It is refused
  /// now, and any frame whose rows are shorter than its width needs throws instead of being read.
  func testRowsTooShortForTheWidthAreRefused() throws {
    XCTAssertFalse(InputConverter.supports(AV_PIX_FMT_UYYVYY411))
    let frame = FrameFactory.uniform(AV_PIX_FMT_YUV420P, values: [235, 128, 128])
    frame.pointer.pointee.linesize.1 = 16  // chroma of 64 pixels needs 32
    XCTAssertThrowsError(try convert(frame)) { e in
      XCTAssertEqual(e as? IOError, .invalidArgument("frame rows of plane 1 hold 16 bytes, 64 pixels need 32"))
    }
    let raw = [UInt8](repeating: 128, count: 64 * 3 * 3 / 2 * 2)
    let options = RawVideoOptions(width: 64, height: 3, pixelFormat: "uyyvyy411")
    XCTAssertThrowsError(try MediaReader(path: "raw", raw: options, memory: MemoryInput(bytes: raw))) { e in
      XCTAssertEqual(e as? IOError, .unsupported("pixel format uyyvyy411 of input 'raw'"))
    }
  }

  func testSupportedFormats() {
    for f in [AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUV422P10LE, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_NV12, AV_PIX_FMT_P010LE,
              AV_PIX_FMT_RGB24, AV_PIX_FMT_BGRA, AV_PIX_FMT_GRAY8, AV_PIX_FMT_GRAY10LE, AV_PIX_FMT_GBRP, AV_PIX_FMT_YUYV422] {
      XCTAssertTrue(InputConverter.supports(f), String(cString: av_get_pix_fmt_name(f)))
    }
    for f in [AV_PIX_FMT_PAL8, AV_PIX_FMT_BAYER_RGGB8, AV_PIX_FMT_GBRPF32LE, AV_PIX_FMT_YUV420P10BE, AV_PIX_FMT_MONOWHITE,
              AV_PIX_FMT_RGB565LE, AV_PIX_FMT_XYZ12LE] {
      XCTAssertFalse(InputConverter.supports(f), String(cString: av_get_pix_fmt_name(f)))
    }
  }

  func testMakeFrameKeepsTimestampAndSignal() throws {
    let frame = FrameFactory.uniform(AV_PIX_FMT_YUV420P, values: [126, 128, 128])
    frame.pointer.pointee.pts = 42
    let out = try InputConverter().makeFrame(frame, index: 7)
    XCTAssertEqual(out.pts, 42)
    XCTAssertEqual(out.index, 7)
    XCTAssertEqual(out.signal![0, 0, 0], Float(110.0 / 219), accuracy: 1e-4)
  }
}
