import Foundation
import Imaging

#if canImport(Glibc)
  import Glibc
#endif

/// An event-camera recording read as text, turned into 5-bin voxel grids, one per frame interval.
///
/// Format (`reexpose --events FILE`; written by `python3 -m Training.data.events_txt`):
/// ```
/// # comment lines start with '#', blank lines are skipped
/// 640 480                 first data line: sensor width and height in pixels
/// 0.000125 12 34 1        then one event per line: t x y p
/// ```
/// `t` is in seconds on the video's clock with the first frame at 0 (its pts), non-decreasing; `x`, `y`
/// are integer pixel coordinates (0-based, inside the sensor); polarity `p` is 1 or +1 (brighter), 0 or −1
/// (darker). The sensor should see the same view as the video; its grid is resampled to the network's
/// working size, so its resolution may differ.
///
/// Voxel grid of frame k (as `Training/data/events.py`): the events with t in (t_{k−1}, t_k], each split
/// between the two nearest of 5 time bins by linear weights, signed by polarity; frame 0 has an empty grid.
/// The file is read as the frames advance (memory holds one line), so recordings of any length work.
public final class EventFile {
  /// Time bins per frame interval.
  public static let bins = 5
  /// The file.
  public let path: String
  /// Sensor size.
  public let width: Int, height: Int
  private let file: UnsafeMutablePointer<FILE>
  private var lineNumber = 0
  /// The next event read but not yet taken: its time, its remaining fields and its line.
  private var pending: (t: Double, rest: [String], line: Int)?
  private var lastTime = -Double.infinity
  private var previousFrameTime: Double?
  private var atEnd = false

  /// Opens `path` and reads its header line.
  /// - Throws: ``IOError/events(path:line:reason:)``.
  public init(path: String) throws {
    self.path = path
    if let problem = RegularFile.problem(path) { throw IOError.events(path: path, line: 0, reason: problem) }
    guard let f = fopen(path, "r") else {
      throw IOError.events(path: path, line: 0, reason: String(cString: strerror(errno)))
    }
    file = f
    var header: [Substring]?
    do {
      header = try Self.nextFields(f, &lineNumber, path)
    } catch {
      fclose(f)
      throw error
    }
    guard let header, header.count == 2, let w = Int(header[0]), let h = Int(header[1]), w > 0, h > 0,
      w <= 16384, h <= 16384
    else {
      let n = lineNumber
      fclose(f)
      throw IOError.events(path: path, line: max(n, 1), reason: "expected the sensor size 'width height' as the first line")
    }
    width = w
    height = h
  }

  deinit { fclose(file) }

  /// The voxel grid [5, height, width] of the interval ending at `frameTime` (seconds, first frame 0).
  /// Frame times must increase; the first call returns an empty grid (nothing precedes the first frame).
  /// - Throws: ``IOError/events(path:line:reason:)`` for a malformed line or decreasing times.
  public func voxels(until frameTime: Double) throws -> PlanarImage {
    let grid = PlanarImage(width: width, height: height, channels: Self.bins)
    guard let start = previousFrameTime else {
      previousFrameTime = frameTime
      try skip(through: frameTime)
      return grid
    }
    if !(frameTime > start) {
      throw IOError.events(path: path, line: 0, reason: "frame times must increase (\(frameTime) s after \(start) s)")
    }
    previousFrameTime = frameTime
    let span = frameTime - start
    let plane = width * height
    while let t = try peekTime(), t <= frameTime {
      let e = try take()
      if t <= start { continue }
      let tau = (t - start) / span * Double(Self.bins - 1)
      let b0 = min(max(Int(tau.rounded(.down)), 0), Self.bins - 1)
      let wb = Float(tau - Double(b0))
      let b1 = min(b0 + 1, Self.bins - 1)
      let base = e.y * width + e.x
      grid.data[b0 * plane + base] += e.p * (1 - wb)
      grid.data[b1 * plane + base] += e.p * wb
    }
    return grid
  }

  // MARK: - Private

  /// Drops events at or before `t`.
  private func skip(through t: Double) throws {
    while let time = try peekTime(), time <= t { _ = try take() }
  }

  /// The next event's time without consuming it (its other fields are checked when it is taken), or nil
  /// at the end of the file.
  private func peekTime() throws -> Double? {
    if let pending { return pending.t }
    if atEnd { return nil }
    guard let fields = try Self.nextFields(file, &lineNumber, path) else {
      atEnd = true
      return nil
    }
    guard fields.count == 4 else { throw bad("expected 't x y p', got \(fields.count) fields") }
    guard let t = Double(fields[0]), t.isFinite else { throw bad("time '\(fields[0])' is not a number") }
    if t < lastTime { throw bad("time \(t) s is earlier than the previous event (\(lastTime) s); events must be sorted") }
    lastTime = t
    pending = (t, fields.dropFirst().map(String.init), lineNumber)
    return t
  }

  /// Consumes the pending event (after ``peekTime()``), checking its pixel and polarity.
  private func take() throws -> (x: Int, y: Int, p: Float) {
    guard let e = pending else { preconditionFailure("take() without a pending event") }
    pending = nil
    func bad(_ why: String) -> IOError { IOError.events(path: path, line: e.line, reason: why) }
    guard let x = Int(e.rest[0]), let y = Int(e.rest[1]), (0..<width).contains(x), (0..<height).contains(y) else {
      throw bad("pixel (\(e.rest[0]), \(e.rest[1])) is outside the \(width)x\(height) sensor")
    }
    switch e.rest[2] {
    case "1", "+1": return (x, y, 1)
    case "0", "-1": return (x, y, -1)
    default: throw bad("polarity '\(e.rest[2])' must be 1, +1, 0 or -1")
    }
  }

  private func bad(_ why: String) -> IOError { IOError.events(path: path, line: lineNumber, reason: why) }

  /// The whitespace-separated fields of the next non-blank, non-comment line, or nil at the end.
  private static func nextFields(
    _ f: UnsafeMutablePointer<FILE>, _ lineNumber: inout Int, _ path: String
  ) throws -> [Substring]? {
    var buffer: UnsafeMutablePointer<CChar>?
    var capacity = 0
    defer { free(buffer) }
    while true {
      let n = getline(&buffer, &capacity, f)
      if n < 0 {
        if ferror(f) != 0 { throw IOError.events(path: path, line: lineNumber + 1, reason: "read error") }
        return nil
      }
      lineNumber += 1
      let line = String(cString: buffer!)
      let trimmed = line.drop { $0 == " " || $0 == "\t" }
      if trimmed.isEmpty || trimmed.first == "#" || trimmed.first == "\n" || trimmed.first == "\r\n" { continue }
      let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "," })
      if fields.isEmpty { continue }
      return fields
    }
  }
}
