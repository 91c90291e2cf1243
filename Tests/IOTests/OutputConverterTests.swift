import CShim
import Color
import Imaging
import Media
import XCTest

import IO

final class OutputConverterTests: XCTestCase {
  private func grey(_ v: Float, width: Int = 64, height: Int = 48) -> PlanarImage {
    let img = PlanarImage(width: width, height: height)
    img.fill(v)
    return img
  }

  func testPqGreyAtReferenceWhiteLands573() throws {
    let out = try OutputConverter(params: OutputParams())
    let frame = try out.convert(grey(1), pts: 0)
    let signal = PQ.encode(nits: 203)
    XCTAssertEqual(signal, 0.581, accuracy: 0.001)
    let expected = Int((64 + signal * 876).rounded())
    XCTAssertEqual(FrameFactory.sample16(frame, plane: 0, x: 5, y: 5), expected)
    XCTAssertEqual(expected, 573, accuracy: 1)
    XCTAssertEqual(FrameFactory.sample16(frame, plane: 1, x: 3, y: 3), 512)
    XCTAssertEqual(FrameFactory.sample16(frame, plane: 2, x: 31, y: 23), 512)
    let f = frame.pointer.pointee
    XCTAssertEqual(f.color_trc, AVCOL_TRC_SMPTE2084)
    XCTAssertEqual(f.color_primaries, AVCOL_PRI_BT2020)
    XCTAssertEqual(f.colorspace, AVCOL_SPC_BT2020_NCL)
    XCTAssertEqual(f.color_range, AVCOL_RANGE_MPEG)
    XCTAssertNotNil(av_frame_get_side_data(frame.pointer, AV_FRAME_DATA_MASTERING_DISPLAY_METADATA))
    XCTAssertNotNil(av_frame_get_side_data(frame.pointer, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL))
  }

  /// 4:2:2 and 12-bit against the 4:4:4 10-bit path: the same luma (12-bit = 4 × 10-bit within rounding),
  /// 4:2:2 chroma = [1 2 1]/4 of the 4:4:4 chroma on even columns (left siting), narrow-range limits.
  func testFourTwoTwoAndTwelveBitAgainstFourFourFour() throws {
    let w = 40, h = 6
    let img = PlanarImage(width: w, height: h, channels: 3)
    var seed: UInt64 = 7
    for c in 0..<3 { for y in 0..<h { for x in 0..<w {
      seed = seed &* 6364136223846793005 &+ 1442695040888963407
      img[c, y, x] = Float(seed >> 40) / Float(1 << 24) * 3
    } } }
    func frame(_ f: OutputParams.PixelFormat) throws -> LibavFrame {
      var p = OutputParams()
      p.pixelFormat = f
      return try OutputConverter(params: p).convert(img, pts: 0)
    }
    let f444 = try frame(.yuv444p10le), f422 = try frame(.yuv422p10le)
    let g444 = try frame(.yuv444p12le), g422 = try frame(.yuv422p12le), g420 = try frame(.yuv420p12le)
    XCTAssertEqual(g422.pointer.pointee.chroma_location, AVCHROMA_LOC_LEFT)
    for y in 0..<h {
      for x in 0..<w {
        let y10 = FrameFactory.sample16(f444, plane: 0, x: x, y: y)
        XCTAssertEqual(FrameFactory.sample16(f422, plane: 0, x: x, y: y), y10)
        XCTAssertEqual(FrameFactory.sample16(g444, plane: 0, x: x, y: y), 4 * y10, accuracy: 2)
        XCTAssertEqual(FrameFactory.sample16(g420, plane: 0, x: x, y: y), FrameFactory.sample16(g444, plane: 0, x: x, y: y))
        XCTAssertTrue((256...3760).contains(FrameFactory.sample16(g444, plane: 0, x: x, y: y)))
      }
      for i in 0..<(w / 2) {
        for plane in 1...2 {
          let c = { (x: Int) in Double(FrameFactory.sample16(g444, plane: plane, x: min(max(x, 0), w - 1), y: y)) }
          let want = (c(2 * i - 1) + 2 * c(2 * i) + c(2 * i + 1)) / 4
          XCTAssertEqual(Double(FrameFactory.sample16(g422, plane: plane, x: i, y: y)), want, accuracy: 1.01, "plane \(plane) (\(i), \(y))")
          let c10 = FrameFactory.sample16(f422, plane: plane, x: i, y: y)
          XCTAssertEqual(FrameFactory.sample16(g422, plane: plane, x: i, y: y), 4 * c10, accuracy: 2)
        }
      }
    }
  }

  /// Top-left 4:2:0 chroma = [1 2 1]/4 vertically over the 4:2:2 chroma rows 2t − 1...2t + 1 (first row
  /// repeated), tagged type 2; the default left siting averages rows 2t and 2t + 1.
  func testTopLeftChromaSiting() throws {
    let w = 24, h = 8
    let img = PlanarImage(width: w, height: h, channels: 3)
    var seed: UInt64 = 11
    for c in 0..<3 { for y in 0..<h { for x in 0..<w {
      seed = seed &* 6364136223846793005 &+ 1442695040888963407
      img[c, y, x] = Float(seed >> 40) / Float(1 << 24) * 2
    } } }
    func frame(_ f: OutputParams.PixelFormat, _ siting: OutputParams.ChromaSiting) throws -> LibavFrame {
      var p = OutputParams()
      p.pixelFormat = f
      p.chromaSiting = siting
      return try OutputConverter(params: p).convert(img, pts: 0)
    }
    let c422 = try frame(.yuv422p12le, .topleft), top = try frame(.yuv420p12le, .topleft), left = try frame(.yuv420p12le, .left)
    XCTAssertEqual(top.pointer.pointee.chroma_location, AVCHROMA_LOC_TOPLEFT)
    XCTAssertEqual(left.pointer.pointee.chroma_location, AVCHROMA_LOC_LEFT)
    XCTAssertEqual(c422.pointer.pointee.chroma_location, AVCHROMA_LOC_LEFT, "4:2:2 is co-sited either way")
    for plane in 1...2 {
      for t in 0..<(h / 2) {
        for i in 0..<(w / 2) {
          let row = { (y: Int) in Double(FrameFactory.sample16(c422, plane: plane, x: i, y: min(max(y, 0), h - 1))) }
          let wantTop = 0.25 * row(2 * t - 1) + 0.5 * row(2 * t) + 0.25 * row(2 * t + 1)
          XCTAssertEqual(Double(FrameFactory.sample16(top, plane: plane, x: i, y: t)), wantTop, accuracy: 1.01)
          let wantLeft = 0.5 * (row(2 * t) + row(2 * t + 1))
          XCTAssertEqual(Double(FrameFactory.sample16(left, plane: plane, x: i, y: t)), wantLeft, accuracy: 1.01)
        }
      }
    }
  }

  /// `output.gamut: compress` keeps the hue of light above the peak (channel ratios) and the luminance of
  /// out-of-gamut colours, where `clip` turns bright orange into yellow.
  func testGamutCompressKeepsHueWhereClipShiftsIt() throws {
    let img = PlanarImage(width: 8, height: 2, channels: 3)
    for x in 0..<8 {
      (img[0, 0, x], img[1, 0, x], img[2, 0, x]) = (12, 6, 0)  // orange, ~2400 cd/m² in red at SDR white 203
      (img[0, 1, x], img[1, 1, x], img[2, 1, x]) = (-0.2, 0.6, 0.6)  // outside BT.709 and BT.2020
    }
    func nits(_ mode: OutputParams.GamutHandling) throws -> [[Double]] {
      var p = OutputParams()
      p.pixelFormat = .gbrpf32le
      p.gamut = mode
      let converter = try OutputConverter(params: p)
      let frame = try converter.convert(img, pts: 0)
      let f = frame.pointer.pointee
      let planes = [f.data.2!, f.data.0!, f.data.1!]  // R, G, B
      return withExtendedLifetime((converter, frame)) { (0..<2).map { y in
        (0..<3).map { c in
          PQ.decode(signal: Double(UnsafeRawPointer(planes[c] + y * Int([f.linesize.2, f.linesize.0, f.linesize.1][c]))
            .load(as: Float.self)))
        }
      } }
    }
    let m = Primaries.conversion(from: .bt709, to: .bt2020).floats.map(Double.init)
    let want = [m[0] * 12 + m[1] * 6, m[3] * 12 + m[4] * 6, m[6] * 12 + m[7] * 6]
    let clipped = try nits(.clip), compressed = try nits(.compress)
    XCTAssertEqual(clipped[0][0], clipped[0][1], accuracy: 1, "clip: red and green both at the peak, yellow")
    XCTAssertLessThanOrEqual(compressed[0].max()!, 1000.5)
    XCTAssertGreaterThan(compressed[0].max()!, 800)
    XCTAssertEqual(compressed[0][0] / compressed[0][1], want[0] / want[1], accuracy: 0.01, "compress keeps R/G")
    XCTAssertEqual(compressed[0][1] / compressed[0][2], want[1] / want[2], accuracy: 0.02, "and G/B")
    XCTAssertGreaterThanOrEqual(compressed[1].min()!, 0)
    let w = Primaries.bt2020.lumaWeights
    let lum = { (v: [Double]) in w.0 * v[0] + w.1 * v[1] + w.2 * v[2] }
    let raw = [m[0] * -0.2 + m[1] * 0.6 + m[2] * 0.6, m[3] * -0.2 + m[4] * 0.6 + m[5] * 0.6,
               m[6] * -0.2 + m[7] * 0.6 + m[8] * 0.6].map { $0 * 203 }
    XCTAssertEqual(lum(compressed[1]), lum(raw), accuracy: 0.02 * lum(raw), "out-of-gamut colour keeps its luminance")
  }

  func testHlgReferenceWhiteLands75Percent() throws {
    var p = OutputParams()
    p.transfer = "hlg"
    let frame = try OutputConverter(params: p).convert(grey(1), pts: 0)
    // BT.2408: 203 cd/m² at 1000 cd/m² nominal peak → 75 % HLG signal → 64 + 0.75·876 = 721.
    XCTAssertEqual(FrameFactory.sample16(frame, plane: 0, x: 0, y: 0), 721)
    XCTAssertEqual(frame.pointer.pointee.color_trc, AVCOL_TRC_ARIB_STD_B67)
  }

  func testHlgPeakIsFullSignalAndBlackIsZero() throws {
    var p = OutputParams()
    p.transfer = "hlg"
    p.pixelFormat = .yuv444p10le
    p.fullRange = true
    let conv = try OutputConverter(params: p)
    let img = grey(0)
    for x in 0..<32 { for c in 0..<3 { img[c, 0, x] = 1000 / 203 } }
    let frame = try conv.convert(img, pts: 0)
    XCTAssertEqual(FrameFactory.sample16(frame, plane: 0, x: 0, y: 0), 1023)
    XCTAssertEqual(FrameFactory.sample16(frame, plane: 0, x: 40, y: 0), 0)
    XCTAssertEqual(FrameFactory.sample16(frame, plane: 1, x: 40, y: 0), 512)
  }

  func testLinearOutputIsRelativeInBT2020() throws {
    var p = OutputParams()
    p.transfer = "linear"
    p.pixelFormat = .gbrpf32le
    let img = grey(0)
    img.plane(0).update(repeating: 1, count: img.planeSize)  // BT.709 red
    let frame = try OutputConverter(params: p).convert(img, pts: 3)
    let m = Primaries.conversion(from: .bt709, to: .bt2020)
    XCTAssertEqual(FrameFactory.sampleF(frame, plane: 2, x: 1, y: 1), Float(m[0, 0]), accuracy: 1e-5)  // R plane
    XCTAssertEqual(FrameFactory.sampleF(frame, plane: 0, x: 1, y: 1), Float(m[1, 0]), accuracy: 1e-5)  // G plane
    XCTAssertEqual(FrameFactory.sampleF(frame, plane: 1, x: 1, y: 1), Float(m[2, 0]), accuracy: 1e-5)  // B plane
    XCTAssertEqual(frame.pointer.pointee.pts, 3)
    XCTAssertEqual(frame.pointer.pointee.color_trc, AVCOL_TRC_LINEAR)
  }

  func testContentLightStatsFollowCTA861() throws {
    let conv = try OutputConverter(params: OutputParams())
    let img = grey(0.5)
    img[0, 10, 10] = 4  // one pixel at 812 cd/m² red
    _ = try conv.convert(img, pts: 0)
    _ = try conv.convert(grey(1), pts: 1)
    // BT.709 → BT.2020 keeps grey; the red pixel's max channel is 0.6274·4·203 (BT.2020 R of BT.709 red).
    let m = Primaries.conversion(from: .bt709, to: .bt2020)
    let red = (m[0, 0] * 4 + m[0, 1] * 0.5 + m[0, 2] * 0.5) * 203
    XCTAssertEqual(conv.stats.maxCLL, red, accuracy: 0.5)
    XCTAssertEqual(conv.stats.maxFALL, 203, accuracy: 0.01)
    XCTAssertEqual(conv.stats.frameCount, 2)
  }

  func testPqClipsAtPeak() throws {
    let conv = try OutputConverter(params: OutputParams())
    let frame = try conv.convert(grey(100), pts: 0)
    XCTAssertEqual(FrameFactory.sample16(frame, plane: 0, x: 0, y: 0), Int((64 + PQ.encode(nits: 1000) * 876).rounded()))
    XCTAssertEqual(conv.stats.maxCLL, 1000, accuracy: 0.01)
  }

  func testChroma420IsLeftSitedAverage() throws {
    var p = OutputParams()
    p.transfer = "hlg"
    let conv = try OutputConverter(params: p)
    let img = grey(1, width: 8, height: 4)
    // Column 2 saturated blue-ish: chroma sample 1 (x = 2) sees it with weight 1/2, sample 0 and 2 with 1/4.
    for y in 0..<4 { img[0, y, 2] = 0; img[1, y, 2] = 0 }
    let frame = try conv.convert(img, pts: 0)
    let c0 = FrameFactory.sample16(frame, plane: 1, x: 0, y: 0) - 512
    let c1 = FrameFactory.sample16(frame, plane: 1, x: 1, y: 0) - 512
    let c2 = FrameFactory.sample16(frame, plane: 1, x: 2, y: 0) - 512
    let c3 = FrameFactory.sample16(frame, plane: 1, x: 3, y: 1) - 512
    XCTAssertEqual(c0, 0)
    XCTAssertGreaterThan(c1, 100)
    XCTAssertEqual(c3, 0)
    XCTAssertEqual(c2, 0)
  }

  func testRoundTripGreyRampInputToPQOutput() throws {
    // 8-bit limited grey ramp → linear → PQ 4:4:4 → decode the Y codes back to relative light.
    let frame = FrameFactory.custom(AV_PIX_FMT_YUV444P, width: 220, height: 2) { p, x, _, _ in p == 0 ? 16 + x : 128 }
    let input = try InputConverter().makeFrame(frame, index: 0)
    var p = OutputParams()
    p.pixelFormat = .yuv444p10le
    let out = try OutputConverter(params: p).convert(input.image, pts: 0)
    for x in stride(from: 0, to: 220, by: 7) {
      let code = FrameFactory.sample16(out, plane: 0, x: x, y: 1)
      let relative = PQ.decode(signal: (Double(code) - 64) / 876) / 203
      let expected = BT1886.eotf(Double(x) / 219)
      // Half a 10-bit PQ code is ≈ 0.6 % in light; allow 1.5 % relative + a small absolute floor near black.
      XCTAssertEqual(relative, expected, accuracy: 0.015 * expected + 2e-4, "x = \(x)")
      XCTAssertEqual(FrameFactory.sample16(out, plane: 1, x: x, y: 1), 512)
    }
  }

  func testNonFiniteAndNegativePixelsGiveValidCodes() throws {
    for transfer in ["pq", "hlg"] {
      var p = OutputParams()
      p.transfer = transfer
      p.pixelFormat = .yuv444p10le
      let conv = try OutputConverter(params: p)
      let img = grey(0.5, width: 9, height: 3)
      img[0, 0, 0] = .nan
      img[1, 1, 1] = .infinity
      img[2, 2, 2] = -5
      img[0, 2, 8] = -.infinity
      let frame = try conv.convert(img, pts: 0)
      for plane in 0..<3 {
        for y in 0..<3 {
          for x in 0..<9 {
            let v = FrameFactory.sample16(frame, plane: plane, x: x, y: y)
            XCTAssertTrue((64...960).contains(v), "\(transfer) plane \(plane) (\(x), \(y)) = \(v)")
          }
        }
      }
      XCTAssertTrue(conv.stats.maxCLL.isFinite && conv.stats.maxFALL.isFinite, "\(conv.stats)")
      XCTAssertEqual(conv.stats.maxCLL, 1000, accuracy: 0.01)  // +inf clips at the peak
    }
  }

  func testOddSizesConvertEveryPixel() throws {
    let conv = try OutputConverter(params: OutputParams())
    let frame = try conv.convert(grey(1, width: 13, height: 7), pts: 0)
    XCTAssertEqual(FrameFactory.sample16(frame, plane: 0, x: 12, y: 6), 573)
    XCTAssertEqual(FrameFactory.sample16(frame, plane: 1, x: 6, y: 3), 512)
    let input = FrameFactory.uniform(AV_PIX_FMT_YUV420P, width: 13, height: 7, values: [235, 128, 128])
    let back = try InputConverter().makeFrame(input, index: 0)
    XCTAssertEqual(back.image[2, 6, 12], 1, accuracy: 1e-6)
  }

  func testX265ParamsP3At1000() {
    var p = OutputParams()
    p.masteringPrimaries = .p3d65
    p.peakNits = 1000
    p.masteringMinNits = 0.005
    XCTAssertEqual(
      x265Params(for: p),
      "repeat-headers=1:aud=1:hdr10=1:hdr10-opt=1:"
        + "master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50):max-cll=1000,400")
  }

  /// MaxCLL follows the pipeline's ceiling (or the measured levels when set); HLG carries no HDR10
  /// metadata unless asked; scene-linear never does.
  func testDeclaredLightLevelsAndWhenMetadataIsWritten() throws {
    var p = OutputParams()
    XCTAssertEqual(HDRMetadata.declaredContentLight(p, ceilingNits: 203), ContentLightLevel(maxCLL: 203, maxFALL: 203))
    XCTAssertEqual(HDRMetadata.declaredContentLight(p, ceilingNits: 5000), ContentLightLevel(maxCLL: 1000, maxFALL: 400))
    XCTAssertTrue(x265Params(for: p, contentLightCeilingNits: 203).hasSuffix(":max-cll=203,203"))
    p.maxCLLNits = 523
    p.maxFALLNits = 181
    XCTAssertEqual(HDRMetadata.declaredContentLight(p, ceilingNits: 203), ContentLightLevel(maxCLL: 523, maxFALL: 181))
    let out = try OutputConverter(params: p, contentLightCeilingNits: 203)
    let frame = try out.convert(PlanarImage(width: 16, height: 8, channels: 3), pts: 0)
    let sd = av_frame_get_side_data(frame.pointer, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL)
    XCTAssertNotNil(sd)
    sd?.pointee.data.withMemoryRebound(to: AVContentLightMetadata.self, capacity: 1) {
      XCTAssertEqual([$0.pointee.MaxCLL, $0.pointee.MaxFALL], [523, 181])
    }
    p.maxFALLNits = 600
    XCTAssertThrowsError(try p.validate())

    var hlg = OutputParams()
    hlg.transfer = "hlg"
    XCTAssertFalse(hlg.carriesHDRMetadata)
    XCTAssertEqual(x265Params(for: hlg), "repeat-headers=1:aud=1")
    let hlgFrame = try OutputConverter(params: hlg).convert(PlanarImage(width: 16, height: 8, channels: 3), pts: 0)
    XCTAssertNil(av_frame_get_side_data(hlgFrame.pointer, AV_FRAME_DATA_MASTERING_DISPLAY_METADATA))
    hlg.hdrMetadata = .always
    XCTAssertTrue(x265Params(for: hlg).contains("master-display=") && !x265Params(for: hlg).contains("hdr10=1"))
    var linear = OutputParams()
    linear.transfer = "linear"
    linear.pixelFormat = .gbrpf32le
    linear.hdrMetadata = .always
    XCTAssertFalse(linear.carriesHDRMetadata)
  }

  func testInvalidParamsThrow() {
    var p = OutputParams()
    p.transfer = "linear"
    XCTAssertThrowsError(try OutputConverter(params: p)) { e in
      XCTAssertTrue("\(e)".contains("gbrpf32le"), "\(e)")
    }
  }
}
