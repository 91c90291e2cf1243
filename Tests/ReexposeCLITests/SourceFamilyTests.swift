import Foundation
import XCTest

/// Every common source family through the documented pipe (README, `--help`): ffmpeg decodes to raw video
/// in Matroska, reexpose re-exposes, ffprobe checks what came out.
final class SourceFamilyTests: EndToEndCase {
  private let pipe = "-map 0:v:0 -map 0:a? -c:v rawvideo -c:a copy -strict -1 -f matroska -"

  private func probe(_ file: String, _ stream: String, _ entries: String) throws -> String {
    try ok("ffprobe -v error -select_streams \(stream) -show_entries \(entries) -of default=nw=1:nk=1 \(file)").text
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Video timestamps relative to the first (the upstream muxer may shift all streams together).
  private func relativePTS(_ file: String) throws -> [Int] {
    let text = try probe(file, "v:0", "frame=best_effort_timestamp_time")
    let pts = text.split(separator: "\n").compactMap { Double($0).map { Int(($0 * 1000).rounded()) } }
    return pts.map { $0 - (pts.first ?? 0) }
  }

  func testProResDNxHRXDCAMH264AndHEVCKeepFramesAudioAndTimecode() throws {
    let sources: [(String, String)] = [
      ("prores.mov", "-c:v prores_ks -profile:v 3 -pix_fmt yuv422p10le -c:a pcm_s24le"),
      ("dnxhr.mov", "-c:v dnxhd -profile:v dnxhr_hqx -pix_fmt yuv422p10le -c:a pcm_s16le"),
      ("xdcam.mxf", "-c:v mpeg2video -pix_fmt yuv422p -b:v 20M -c:a pcm_s16le"),
      ("h264.mp4", "-c:v libx264 -pix_fmt yuv420p -c:a aac"),
      ("hevc.mkv", "-c:v libx265 -pix_fmt yuv420p10le -x265-params log-level=error -c:a aac"),
    ]
    for (name, codecs) in sources {
      try ok("""
        ffmpeg -v error -f lavfi -i testsrc2=s=256x144:r=25 -f lavfi -i sine=d=0.4:sample_rate=48000 -frames:v 10 \
        -timecode 01:00:00:00 \(codecs) \(name)
        """)
      let frames = try frameCount(name)
      // The upstream half of the pipe kept in a file, so that reexpose's part can be compared with it.
      try ok("ffmpeg -v error -y -i \(name) \(pipe) > mid.mkv")
      let r = try ok("cat mid.mkv | $RX --preset hlg-broadcast --quiet > out.mkv")
      XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
      XCTAssertEqual(try frameCount("out.mkv"), frames, name)
      XCTAssertEqual(try relativePTS("out.mkv"), try relativePTS(name), name)
      // Audio: the same packets at the same times (duration and A/V offset kept exactly).
      let audio = "packet=pts,duration"
      XCTAssertEqual(try probe("out.mkv", "a:0", audio), try probe("mid.mkv", "a:0", audio), name)
      XCTAssertEqual(try probe("out.mkv", "v:0", "packet=pts").split(separator: "\n").first,
                     try probe("mid.mkv", "v:0", "packet=pts").split(separator: "\n").first, name)
      XCTAssertEqual(try probe("out.mkv", "v:0", "stream=color_transfer,color_primaries"), "arib-std-b67\nbt2020", name)
      XCTAssertEqual(try probe("out.mkv", "a:0", "stream=codec_name"), try probe(name, "a:0", "stream=codec_name"), name)
      XCTAssertEqual(try probe("out.mkv", "v:0", "stream_tags=timecode"), "01:00:00:00", name)
    }
    // Into mp4 as the README says: -fps_mode passthrough keeps the frame count exact (no duplicated frame).
    try ok("""
      ffmpeg -v error -i h264.mp4 \(pipe) | $RX --preset hlg-broadcast --quiet \
      | ffmpeg -v error -i - -map 0 -c:a copy -c:v libx265 -x265-params "$($RX --preset hlg-broadcast --x265-params):log-level=error" \
      -fps_mode passthrough out.mp4
      """)
    XCTAssertEqual(try frameCount("out.mp4"), try frameCount("h264.mp4"))
  }
}
