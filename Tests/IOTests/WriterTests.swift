import CShim
import Foundation
import Media
import XCTest

import IO

/// reader → converters → writer round trips, checked with ffprobe.
final class WriterTests: XCTestCase {
  /// Converts `input` into `output` with the default PQ params; returns the input frame pts and the writer.
  @discardableResult
  static func transcode(
    _ input: String, _ output: String, format: ContainerFormat, params: OutputParams = OutputParams()
  ) throws -> (pts: [Double], writer: MediaWriter, converter: OutputConverter) {
    let reader = try MediaReader(path: input)
    let inConv = InputConverter()
    let outConv = try OutputConverter(params: params)
    let writer = try MediaWriter(
      path: output, format: format, params: params, video: reader.info, passthrough: reader.passthroughStreams)
    var pts: [Double] = []
    let tb = reader.info.timeBase
    var index = 0
    while let item = try reader.next() {
      switch item {
      case .video(let f):
        let frame = try inConv.makeFrame(f, index: index)
        index += 1
        pts.append(Double(frame.pts!) * Double(tb.num) / Double(tb.den))
        try writer.write(video: try outConv.convert(frame.image, pts: frame.pts, duration: frame.duration))
      case .packet(let i, let p):
        try writer.write(packet: p, inputStreamIndex: i)
      }
    }
    try writer.finish()
    return (pts, writer, outConv)
  }

  func testRoundTripEveryFormatKeepsFrameCountAndTimestamps() throws {
    let t = try ToolRunner()
    let input = try t.testClip("in.nut", frames: 7)
    for format in ContainerFormat.allCases {
      let out = t.path("out." + format.rawValue)
      let (pts, writer, _) = try Self.transcode(input, out, format: format)
      XCTAssertEqual(writer.framesWritten, 7)
      let extra = format == .raw ? ["-f", "rawvideo", "-video_size", "64x48", "-pixel_format", "yuv420p10le"] : []
      let frames = try t.probeFrames(out, extra: extra)
      XCTAssertEqual(frames.count, 7, format.rawValue)
      let times = frames.compactMap { ($0["pts_time"] as? String).flatMap(Double.init) }
      XCTAssertEqual(times.count, 7, format.rawValue)
      for (i, time) in times.enumerated() {
        XCTAssertEqual(time, pts[i], accuracy: 0.0011, "\(format.rawValue) frame \(i)")
      }
      let stream = try t.probeStreams(out, extra: extra)[0]
      XCTAssertEqual(stream["pix_fmt"] as? String, "yuv420p10le", format.rawValue)
      XCTAssertEqual(stream["width"] as? Int, 64)
    }
  }

  func testMatroskaCarriesColourTagsMasteringAndCLL() throws {
    let t = try ToolRunner()
    let input = try t.testClip("in.nut", frames: 2)
    let out = t.path("out.mkv")
    var params = OutputParams()
    params.peakNits = 1000
    try Self.transcode(input, out, format: .mkv, params: params)
    let s = try t.probeStreams(out)[0]
    XCTAssertEqual(s["codec_name"] as? String, "rawvideo")
    XCTAssertEqual(s["color_range"] as? String, "tv")
    XCTAssertEqual(s["color_space"] as? String, "bt2020nc")
    XCTAssertEqual(s["color_transfer"] as? String, "smpte2084")
    XCTAssertEqual(s["color_primaries"] as? String, "bt2020")
    XCTAssertEqual(s["chroma_location"] as? String, "left")
    let side = s["side_data_list"] as? [[String: Any]] ?? []
    let md = side.first { ($0["side_data_type"] as? String) == "Mastering display metadata" }
    let cll = side.first { ($0["side_data_type"] as? String) == "Content light level metadata" }
    /// ffprobe prints reduced fractions ("17/25").
    func value(_ key: String) -> Double? {
      guard let f = md?[key] as? String else { return nil }
      let parts = f.split(separator: "/").compactMap { Double($0) }
      return parts.count == 2 ? parts[0] / parts[1] : nil
    }
    XCTAssertEqual(value("red_x") ?? 0, 0.680, accuracy: 1e-9, "\(side)")
    XCTAssertEqual(value("green_y") ?? 0, 0.690, accuracy: 1e-9)
    XCTAssertEqual(value("blue_x") ?? 0, 0.150, accuracy: 1e-9)
    XCTAssertEqual(value("white_point_x") ?? 0, 0.3127, accuracy: 1e-9)
    XCTAssertEqual(value("max_luminance") ?? 0, 1000, accuracy: 1e-9)
    XCTAssertEqual(value("min_luminance") ?? 0, 0.005, accuracy: 1e-9)
    XCTAssertEqual(cll?["max_content"] as? Int, 1000)
    XCTAssertEqual(cll?["max_average"] as? Int, 400)
    // Our own reader sees the same metadata.
    let back = try MediaReader(path: out)
    XCTAssertEqual(back.info.colorTransfer, "smpte2084")
    XCTAssertEqual(back.info.mastering?.maxNits, 1000)
    XCTAssertEqual(back.info.mastering?.red.x ?? 0, 0.68, accuracy: 1e-9)
    XCTAssertEqual(back.info.contentLight, ContentLightLevel(maxCLL: 1000, maxFALL: 400))
  }

  func testDecodedOutputMatchesExpectedPQGrey() throws {
    // A flat 8-bit grey at Y = 126 (BT.1886 ≈ 0.187 relative) read back from our Matroska by ffmpeg.
    let t = try ToolRunner()
    try t.ffmpeg(["-f", "lavfi", "-i", "color=c=0x6e6e6e:size=64x48:rate=25", "-frames:v", "2", "-pix_fmt", "yuv444p",
                  "-color_range", "tv", "-colorspace", "bt709", "-c:v", "rawvideo", t.path("grey.nut")])
    try Self.transcode(t.path("grey.nut"), t.path("out.mkv"), format: .mkv)
    let r = try ToolRunner.run("/usr/bin/ffmpeg", ["-v", "error", "-i", t.path("out.mkv"), "-frames:v", "1", "-f", "rawvideo", "-"])
    XCTAssertEqual(r.status, 0, r.err)
    let y = r.out.withUnsafeBytes { Int($0.load(fromByteOffset: 2 * (64 * 20 + 20), as: UInt16.self)) }
    let yIn = Double(0x6e)  // RGB grey → limited luma 16 + 219·110/255 (swscale)
    let signal = (16 + 219 * yIn / 255).rounded()
    let nits = pow((signal - 16) / 219, 2.4) * 203
    XCTAssertEqual(Double(y), 64 + 876 * PQReference.encode(nits), accuracy: 1.01)
  }

  func testAudioPassthroughIntoMatroskaAndDroppedForY4M() throws {
    let t = try ToolRunner()
    let input = try t.testClip("in.mkv", frames: 5, extra: ["-strict", "-1"], audio: true)
    let out = t.path("out.mkv")
    try Self.transcode(input, out, format: .mkv)
    let streams = try t.probeStreams(out, extra: ["-count_packets"])
    XCTAssertEqual(streams.count, 2)
    let audio = streams.first { ($0["codec_type"] as? String) == "audio" }
    XCTAssertEqual(audio?["codec_name"] as? String, "pcm_s16le")
    XCTAssertEqual(audio?["sample_rate"] as? String, "48000")
    let inAudio = try t.probeStreams(input, extra: ["-count_packets"]).first { ($0["codec_type"] as? String) == "audio" }
    XCTAssertEqual(audio?["nb_read_packets"] as? String, inAudio?["nb_read_packets"] as? String)
    let video = streams.first { ($0["codec_type"] as? String) == "video" }
    XCTAssertEqual(video?["nb_read_packets"] as? String, "5")
    let (_, writer, _) = try Self.transcode(input, t.path("out.y4m"), format: .y4m)
    XCTAssertEqual(writer.warnings.count, 1)
    XCTAssertTrue(writer.warnings[0].contains("cannot carry audio"), writer.warnings[0])
  }

  func testHlgAndLinearOutputsAreTagged() throws {
    let t = try ToolRunner()
    let input = try t.testClip("in.nut", frames: 2)
    var hlg = OutputParams()
    hlg.transfer = "hlg"
    try Self.transcode(input, t.path("hlg.mkv"), format: .mkv, params: hlg)
    XCTAssertEqual(try t.probeStreams(t.path("hlg.mkv"))[0]["color_transfer"] as? String, "arib-std-b67")
    var lin = OutputParams()
    lin.transfer = "linear"
    lin.pixelFormat = .gbrpf32le
    try Self.transcode(input, t.path("lin.raw"), format: .raw, params: lin)
    let raw = ["-f", "rawvideo", "-video_size", "64x48", "-pixel_format", "gbrpf32le"]
    XCTAssertEqual(try t.probeFrames(t.path("lin.raw"), extra: raw).count, 2)
    // Matroska carries float RGB as uncompressed EXR frames, tagged linear, and they decode bit-exactly.
    try Self.transcode(input, t.path("lin.mkv"), format: .mkv, params: lin)
    let s = try t.probeStreams(t.path("lin.mkv"))[0]
    XCTAssertEqual(s["codec_name"] as? String, "exr")
    XCTAssertEqual(s["pix_fmt"] as? String, "gbrpf32le")
    XCTAssertEqual(s["color_transfer"] as? String, "linear")
    XCTAssertEqual(try t.probeFrames(t.path("lin.mkv")).count, 2)
    let md5 = { (file: String, extra: String) -> String in
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/bin/bash")
      p.arguments = ["-c", "ffmpeg -v error \(extra) -i \(file) -f rawvideo -pix_fmt gbrpf32le - | md5sum"]
      let out = Pipe()
      p.standardOutput = out
      try? p.run()
      p.waitUntilExit()
      return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
    XCTAssertEqual(md5(t.path("lin.mkv"), ""), md5(t.path("lin.raw"), "-f rawvideo -video_size 64x48 -pixel_format gbrpf32le"))
    // ffmpeg 5.1 has no raw fourcc for gbrpf32le: NUT and y4m refuse it up front.
    for format in [ContainerFormat.nut, .y4m] {
      XCTAssertThrowsError(try Self.transcode(input, t.path("lin." + format.rawValue), format: format, params: lin)) { e in
        guard case .unsupported? = e as? IOError else { return XCTFail("\(e)") }
      }
    }
  }

  func testMatroskaToPipeKeepsTagsAndFrames() throws {
    // The real use: stdout is a pipe, so the muxer cannot seek back; everything must be in the header.
    let t = try ToolRunner()
    let input = try t.testClip("in.nut", frames: 4)
    let pipe = Pipe()
    final class Sink: @unchecked Sendable { var data = Data() }
    let sink = Sink()
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      sink.data = pipe.fileHandleForReading.readDataToEndOfFile()
      done.signal()
    }
    let fd = pipe.fileHandleForWriting.fileDescriptor
    try Self.transcode(input, "pipe:\(fd)", format: .mkv)
    try pipe.fileHandleForWriting.close()
    done.wait()
    let out = t.path("piped.mkv")
    try sink.data.write(to: URL(fileURLWithPath: out))
    XCTAssertEqual(try t.probeFrames(out).count, 4)
    let s = try t.probeStreams(out)[0]
    XCTAssertEqual(s["color_transfer"] as? String, "smpte2084")
    XCTAssertEqual(s["color_primaries"] as? String, "bt2020")
    let side = (s["side_data_list"] as? [[String: Any]] ?? []).compactMap { $0["side_data_type"] as? String }
    XCTAssertEqual(Set(side), ["Mastering display metadata", "Content light level metadata"])
  }

  func testClosedPipeIsOutputClosed() throws {
    signal(SIGPIPE, SIG_IGN)
    let t = try ToolRunner()
    let input = try t.testClip("in.nut", frames: 2)
    let pipe = Pipe()
    try pipe.fileHandleForReading.close()
    let fd = pipe.fileHandleForWriting.fileDescriptor
    XCTAssertThrowsError(try Self.transcode(input, "pipe:\(fd)", format: .nut)) { e in
      XCTAssertEqual(e as? IOError, .outputClosed(path: "pipe:\(fd)"))
    }
  }
}

/// ST 2084 inverse EOTF written out independently of the Color module, for cross-checking.
enum PQReference {
  static func encode(_ nits: Double) -> Double {
    let m1 = 0.1593017578125, m2 = 78.84375, c1 = 0.8359375, c2 = 18.8515625, c3 = 18.6875
    let y = pow(nits / 10000, m1)
    return pow((c1 + c2 * y) / (1 + c3 * y), m2)
  }
}
