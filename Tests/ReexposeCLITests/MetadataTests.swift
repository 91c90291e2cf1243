import XCTest

/// Colour tags, mastering display and content light level read back by ffprobe from the Matroska output.
final class MetadataTests: EndToEndCase {
  func streamInfo(_ file: String) throws -> String {
    try ok("ffprobe -v error -select_streams v:0 -show_streams \(file)").text
  }

  func testPQOutputCarriesHDR10Tags() throws {
    try makeClip("in.nut", frames: 3)
    try ok("$RX --preset hdr10-pq --quiet < in.nut > out.mkv")
    let s = try streamInfo("out.mkv")
    XCTAssertTrue(s.contains("pix_fmt=yuv420p10le"), s)
    XCTAssertTrue(s.contains("color_primaries=bt2020"), s)
    XCTAssertTrue(s.contains("color_transfer=smpte2084"), s)
    XCTAssertTrue(s.contains("color_space=bt2020nc"), s)
    XCTAssertTrue(s.contains("color_range=tv"), s)
    XCTAssertTrue(s.contains("Mastering display metadata"), s)
    XCTAssertTrue(s.contains("max_luminance=1000/1"), "1000 cd/m² mastering peak: \(s)")
    XCTAssertTrue(s.contains("Content light level metadata"), s)
    XCTAssertTrue(s.contains("max_content=1000"), s)
  }

  func testHLGOutputTags() throws {
    try makeClip("in.nut", frames: 3)
    try ok("$RX --preset hlg-broadcast --quiet < in.nut > out.mkv")
    let s = try streamInfo("out.mkv")
    XCTAssertTrue(s.contains("color_transfer=arib-std-b67"), s)
    XCTAssertTrue(s.contains("color_primaries=bt2020"), s)
  }

  func testLinearOutputIsFloatRGB() throws {
    try makeClip("in.nut", frames: 2)
    try ok("$RX --preset linear-exr --quiet < in.nut > out.mkv")
    let s = try streamInfo("out.mkv")
    XCTAssertTrue(s.contains("pix_fmt=gbrpf32le"), s)
    XCTAssertTrue(s.contains("color_transfer=linear"), s)
  }

  func testOverrideChangesMasteringPeak() throws {
    try makeClip("in.nut", frames: 2)
    try ok("$RX --preset hdr10-pq --set output.peakNits=4000 --quiet < in.nut > out.mkv")
    XCTAssertTrue(try streamInfo("out.mkv").contains("max_luminance=4000/1"))
  }

  func testStatsFileReportsMeasuredLightLevels() throws {
    try makeClip("in.nut", frames: 4)
    func maxCLL(_ args: String) throws -> Double {
      try ok("$RX \(args) --quiet --stats stats.json < in.nut > /dev/null")
      let data = try Data(contentsOf: dir.appendingPathComponent("stats.json"))
      let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
      XCTAssertEqual(json["frames"] as? Int, 4)
      return try XCTUnwrap(json["maxCLL"] as? Double)
    }
    // testsrc2's white (code 235, a few pixels lower after 4:2:0) sits at about 196 cd/m² with SDR white at
    // 203. `recover` keeps unclipped-looking white there; the knee style pushes it toward the 1000 cd/m² peak.
    let recover = try maxCLL("--preset hdr10-pq"), knee = try maxCLL("--preset hdr10-pq --set expansion.style=knee")
    XCTAssertEqual(recover, try maxCLL("--preset static"), accuracy: 3)
    XCTAssertGreaterThan(knee, 400)
    XCTAssertLessThanOrEqual(knee, 1000.5)
  }
}

/// Audio (and other non-video streams) pass through unchanged.
final class AudioPassthroughTests: EndToEndCase {
  func testAudioTrackSurvivesThePipe() throws {
    try makeClip("in.mkv", frames: 10, audio: true)
    try ok("$RX --preset static --quiet < in.mkv > out.mkv")
    let r = try ok("ffprobe -v error -show_entries stream=codec_type,codec_name,sample_rate -of csv=p=0 out.mkv")
    XCTAssertTrue(r.text.contains("audio"), r.text)
    XCTAssertTrue(r.text.contains("pcm_s16le"), r.text)
    let a = try ok("ffmpeg -v error -i in.mkv -map 0:a -f md5 -").text
    let b = try ok("ffmpeg -v error -i out.mkv -map 0:a -f md5 -").text
    XCTAssertEqual(a, b, "audio samples are bit-identical")
  }

}

/// The programme's description, interlacing and user filter graphs through the CLI.
final class ProgrammeTests: EndToEndCase {
  /// A programme keeps its description through the pipe: pixel aspect ratio, field order (kept with
  /// `input.deinterlace: off`, with a warning that frames were processed whole), title and stream tags,
  /// timecode, chapters.
  func testProgrammeDescriptionIsKept() throws {
    try ";FFMETADATA1\ntitle=Programme\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=400\ntitle=Opening\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=400\nEND=800\ntitle=Main\n"
      .write(to: dir.appendingPathComponent("meta.txt"), atomically: true, encoding: .utf8)
    try ok("""
      ffmpeg -v error -f lavfi -i testsrc2=s=180x144:r=25 -f lavfi -i sine=d=0.8 -i meta.txt -map 0 -map 1 \
      -map_metadata 2 -map_chapters 2 -frames:v 20 -vf setsar=16/15 -field_order tt -c:v rawvideo -pix_fmt yuv420p \
      -c:a pcm_s16le -metadata:s:a:0 language=fra -metadata:s:a:0 title=Stereo \
      -metadata:s:v:0 timecode=10:00:00:00 in.mkv
      """)
    let describe = "ffprobe -v error -show_entries format_tags=title:stream=sample_aspect_ratio,field_order:stream_tags=title,language,timecode:chapter=start_time:chapter_tags=title -of compact"
    for (command, out) in [
      ("$RX --preset fast --set input.deinterlace=off -i in.mkv -o out.mkv", "out.mkv"),
      ("cat in.mkv | $RX --preset static --set input.deinterlace=off > pipe.mkv", "pipe.mkv"),
    ] {
      let r = try ok(command)
      XCTAssertTrue(r.stderr.contains("input is interlaced (top field first): frames are processed whole"), r.stderr)
      let got = try ok("\(describe) \(out)").text
      for want in ["sample_aspect_ratio=16:15", "field_order=tt", "tag:TIMECODE=10:00:00:00", "tag:language=fra",
                   "tag:title=Stereo", "start_time=0.400000|tag:title=Main", "format|tag:title=Programme"] {
        XCTAssertTrue(got.contains(want), "\(out) lacks \(want):\n\(got)")
      }
      XCTAssertEqual(try frameCount(out), 20)
    }
  }

  /// Interlaced input is deinterlaced by default (bwdif, frame rate kept), or at field rate on request:
  /// never mixed silently.
  func testInterlacedInputIsDeinterlaced() throws {
    try ok("ffmpeg -v error -f lavfi -i testsrc2=s=160x120:r=25 -frames:v 10 -field_order tb -c:v rawvideo -pix_fmt yuv420p in.mkv")
    var r = try ok("$RX --preset static -i in.mkv -o frame.mkv")
    XCTAssertTrue(r.stderr.contains("deinterlaced with bwdif, one frame per frame"), r.stderr)
    XCTAssertEqual(try ok("ffprobe -v error -show_entries stream=field_order -of default=nw=1:nk=1 frame.mkv").text.trimmingCharacters(in: .whitespacesAndNewlines), "progressive")
    XCTAssertEqual(try framePTS("frame.mkv"), (0..<10).map { $0 * 40 })
    r = try ok("$RX --preset static --set input.deinterlace=field -i in.mkv -o field.mkv")
    XCTAssertEqual(try framePTS("field.mkv"), (0..<20).map { $0 * 20 }, "one frame per field, at 50 fps")
    // Kept interlaced: fields processed separately, woven back in the same order, same frames and times.
    r = try ok("$RX --preset fast --set input.deinterlace=fields -i in.mkv -o fields.mkv")
    XCTAssertTrue(r.stderr.contains("fields processed separately"), r.stderr)
    XCTAssertEqual(try framePTS("fields.mkv"), (0..<10).map { $0 * 40 })
    XCTAssertEqual(try ok("ffprobe -v error -show_entries stream=field_order,height -of default=nw=1:nk=1 fields.mkv").text
      .split(separator: "\n").map(String.init), ["120", "tb"])
  }

  /// `--vf` runs before re-exposure and `--post-vf` after it, in the same process; a bad graph is a usage
  /// error naming it.
  func testUserFilterGraphs() throws {
    try makeClip("in.nut", frames: 6, audio: true)
    try ok("$RX --preset fast --quiet --vf 'crop=48:32:8:8,scale=96:-2' --post-vf 'pad=128:80:16:8' -i in.nut -o out.mkv")
    let v = try ok("ffprobe -v error -select_streams v:0 -show_entries stream=width,height,pix_fmt,color_transfer -of default=nw=1:nk=1 out.mkv").text
    XCTAssertEqual(v.split(separator: "\n").map(String.init), ["128", "80", "yuv420p10le", "smpte2084"])
    XCTAssertEqual(try framePTS("out.mkv"), try framePTS("in.nut"))
    XCTAssertTrue(try ok("ffprobe -v error -show_entries stream=codec_type -of csv=p=0 out.mkv").text.contains("audio"))
    // A graph ending in a format the converter cannot read gets converted; fps changes the frame count.
    try ok("$RX --preset static --quiet --vf 'format=pal8' -i in.nut -o pal.mkv")
    try ok("$RX --preset static --quiet --vf 'fps=50' -i in.nut -o fps.mkv")
    XCTAssertGreaterThanOrEqual(try frameCount("fps.mkv"), 10, "twice the rate, up to the last input frame")
    let r = try Shell.run("$RX --preset static --vf 'nosuchfilter=1' -i in.nut -o bad.mkv", in: dir)
    XCTAssertEqual(r.status, 64, r.stderr)
    XCTAssertTrue(errorLine(r).contains("filter graph 'nosuchfilter=1'"), r.stderr)
  }

  /// 4:2:2 and 12-bit output through every container, tagged with left chroma siting.
  func testFourTwoTwoAndTwelveBitOutput() throws {
    try makeClip("in.nut", frames: 3)
    for format in ["mkv", "nut", "y4m"] {
      for pix in ["yuv422p10le", "yuv422p12le", "yuv420p12le", "yuv444p12le"] {
        try ok("$RX --preset hlg-broadcast --quiet --format \(format) --set output.pixelFormat=\(pix) -i in.nut -o out.\(format)")
        let got = try ok("ffprobe -v error -select_streams v:0 -show_entries stream=pix_fmt -of default=nw=1:nk=1 out.\(format)").text
        XCTAssertEqual(got.trimmingCharacters(in: .whitespacesAndNewlines), pix, format)
        XCTAssertEqual(try frameCount("out.\(format)"), 3)
      }
    }
    let siting = try ok("ffprobe -v error -show_entries stream=chroma_location -of default=nw=1:nk=1 out.mkv").text
    XCTAssertEqual(siting.trimmingCharacters(in: .whitespacesAndNewlines), "unspecified", "4:4:4 has no siting")
    try ok("$RX --preset hlg-broadcast --quiet --set output.pixelFormat=yuv422p10le -i in.nut -o s.mkv")
    XCTAssertEqual(try ok("ffprobe -v error -show_entries stream=chroma_location -of default=nw=1:nk=1 s.mkv").text
      .trimmingCharacters(in: .whitespacesAndNewlines), "left")
  }

  /// EXR frames name their primaries (`chromaticities`, which libav's encoder leaves out), and OpenEXR
  /// reads the patched frame to the same pixels as ffmpeg.
  func testEXRFramesCarryChromaticities() throws {
    try makeClip("in.nut", frames: 2)
    try ok("$RX --preset linear-exr --quiet --set output.primaries=bt2020 -i in.nut -o lin.mkv")
    try ok("ffmpeg -v error -y -i lin.mkv -c copy -frames:v 1 -update 1 f.exr && ffmpeg -v error -y -i f.exr -f rawvideo -pix_fmt gbrpf32le ff.raw")
    let r = try ok("""
      python3 -c "import OpenEXR, numpy as np; f = OpenEXR.File('f.exr'); c = f.header()['chromaticities']; \
      px = f.channels()['RGB'].pixels; a = np.fromfile('ff.raw', np.float32).reshape(3, 48, 64); \
      print(' '.join('%.4f' % v for v in c)); print(float(np.abs(px[..., 0] - a[2]).max()), float(np.abs(px[..., 2] - a[1]).max()))"
      """).text.split(separator: "\n").map(String.init)
    XCTAssertEqual(r.first, "0.7080 0.2920 0.1700 0.7970 0.1310 0.0460 0.3127 0.3290", "BT.2020 primaries and D65")
    XCTAssertEqual(r.dropFirst().first, "0.0 0.0", "OpenEXR and ffmpeg read the same pixels")
  }
}
