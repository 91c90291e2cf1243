import CShim
import Color
import Imaging
import Media

/// Decoded SDR frames → linear BT.709 RGB relative to SDR white, plus the non-linear R'G'B' signal.
///
/// Honours the frame's matrix (BT.709, BT.601, BT.2020 NCL) and range tags; untagged streams get the
/// BT.709 SDR assumption (limited range Y'CbCr; full range RGB, gray and yuvj*), reported once in
/// ``warnings``. Transfer follows ``InputParams/transfer``: `auto` uses the tag (BT.709/BT.601/untagged →
/// BT.1886 display EOTF, pure 2.4 power; `iec61966-2-1` → sRGB), `bt709` is the inverse BT.709 OETF
/// (scene light). BT.2020/P3-tagged SDR is converted to BT.709 in linear light; out-of-gamut values clip
/// at 0. PQ/HLG-tagged input throws `IOError.unsupported("input is already HDR (…)")`.
///
/// 4:2:0/4:2:2 chroma is upsampled bilinearly (left-sited horizontally, centred vertically). Super-white
/// and sub-black codes clip to 0...1 in the signal. Rows run in parallel with LUT kernels.
public final class InputConverter {
  /// How the input is interpreted.
  public let params: InputParams
  /// Assumptions made so far, each reported once, in order; IO never prints.
  public private(set) var warnings: [String] = []
  /// Called once per new warning (in addition to ``warnings``).
  public var onWarning: ((String) -> Void)?

  private var plan: InputPlan?
  private var planKey: InputPlan.Key?
  private var reported: Set<String> = []

  public init(params: InputParams = InputParams(), onWarning: ((String) -> Void)? = nil) {
    self.params = params
    self.onWarning = onWarning
  }

  /// Whether frames in `pixelFormat` can be converted.
  public static func supports(_ pixelFormat: AVPixelFormat) -> Bool { PixelLayout(pixelFormat) != nil }

  /// Converts a frame into caller-owned images.
  ///
  /// - Parameters:
  ///   - frame: a decoded frame in a supported pixel format.
  ///   - linear: [3, H, W] receives linear BT.709 RGB, 1.0 = SDR 100 % white.
  ///   - signal: [3, H, W] receives the non-linear R'G'B' in 0...1 (input primaries); nil to skip.
  /// - Throws: `IOError.unsupported` for formats/tags it cannot handle, `.invalidArgument` for a size mismatch
  ///   or rows shorter than the width needs.
  public func convert(_ frame: UnsafePointer<AVFrame>, linear: PlanarImage, signal: PlanarImage?) throws {
    let f = frame.pointee
    let w = Int(f.width), h = Int(f.height)
    guard linear.width == w, linear.height == h, linear.channels == 3,
      signal.map({ $0.width == w && $0.height == h && $0.channels == 3 }) ?? true
    else {
      throw IOError.invalidArgument("frame is \(w)x\(h) but the destination image is \(linear.width)x\(linear.height)")
    }
    let plan = try plan(for: f)
    let linesizes = [f.linesize.0, f.linesize.1, f.linesize.2, f.linesize.3]
    for (i, c) in plan.layout.components.enumerated() {
      let need = plan.layout.bytesRead(component: i, width: w)
      guard need <= abs(Int(linesizes[c.plane])) else {
        throw IOError.invalidArgument("frame rows of plane \(c.plane) hold \(abs(linesizes[c.plane])) bytes, \(w) pixels need \(need)")
      }
    }
    InputKernel(plan: plan, frame: f).run(linear: linear, signal: signal)
  }

  /// Converts a decoded frame into a new pipeline ``Frame`` (image = linear, signal = R'G'B').
  public func makeFrame(_ frame: LibavFrame, index: Int) throws -> Frame {
    let w = frame.width, h = frame.height
    guard w > 0, h > 0 else { throw IOError.invalidArgument("frame \(index) has size \(w)x\(h)") }
    let linear = PlanarImage(width: w, height: h, channels: 3)
    let signal = PlanarImage(width: w, height: h, channels: 3)
    try convert(frame.pointer, linear: linear, signal: signal)
    return Frame(image: linear, pts: frame.pts, duration: frame.duration, index: index, signal: signal)
  }

  /// The cached plan for the frame's format and tags, rebuilt when they change.
  private func plan(for f: AVFrame) throws -> InputPlan {
    let key = InputPlan.Key(
      format: f.format, space: f.colorspace.rawValue, range: f.color_range.rawValue,
      trc: f.color_trc.rawValue, primaries: f.color_primaries.rawValue)
    if let plan, key == planKey { return plan }
    var notes: [String] = []
    let p = try InputPlan(key: key, transfer: params.transfer, notes: &notes)
    for n in notes where !reported.contains(n) {
      reported.insert(n)
      warnings.append(n)
      onWarning?(n)
    }
    plan = p
    planKey = key
    return p
  }
}
