import Color
import Imaging

/// Inverse tone mapping stage: expands highlights toward the output peak (see ``InverseToneMap``).
///
/// Per pixel: Y = BT.709 luminance of the linear frame; over-exposure mask m pushes Y toward SDR white,
/// Y_eff = Y + maskDrive·m·max(0, 1 − Y), so clipped regions reach the peak; the output is RGB·g with
/// g = min(f(Y_eff)/Y, P/max(R, G, B)): hue kept, and no channel pushed past the peak P (a saturated
/// reconstructed highlight would otherwise leave the mastering range). Looks ahead 0 frames.
public final class ExpansionStage: Stage {
  public let name = "expansion"
  public let lookAheadFrames = 0
  let curve: InverseToneMap
  let maskDrive: Float

  public init(params: ExpansionParams, output: OutputParams) {
    curve = InverseToneMap(params: params, peakNits: output.peakNits, referenceWhiteNits: output.referenceWhiteNits)
    maskDrive = params.maskDrive
  }

  public func push(_ frame: Frame) throws -> [Frame] {
    if !curve.isIdentity { apply(to: frame) }
    return [frame]
  }

  public func flush() throws -> [Frame] { [] }

  func apply(to frame: Frame) {
    let img = frame.image
    let n = img.planeSize
    let r = img.plane(0), g = img.plane(1), b = img.plane(2)
    let mask: UnsafeMutablePointer<Float>? = frame.overMask?.plane(0)
    let curve = self.curve
    let drive = maskDrive
    let peak = curve.peak
    // BT.709 luma weights on linear light (ITU-R BT.709 item 3.2).
    let wr: Float = 0.2126, wg: Float = 0.7152, wb: Float = 0.0722
    Parallel.forRanges(n, minChunk: 16384) { start, end in
      for i in start..<end {
        let y = wr * r[i] + wg * g[i] + wb * b[i]
        var yEff = y
        if let mask { yEff += drive * mask[i] * max(0, 1 - y) }
        let top = max(r[i], g[i], b[i])
        if yEff <= curve.knee && top <= peak { continue }
        let gain: Float = y > 1e-6 ? min(curve.map(yEff) / y, peak / max(top, 1e-6)) : 0
        if y > 1e-6 {
          r[i] *= gain
          g[i] *= gain
          b[i] *= gain
        } else {
          let v = curve.map(yEff)
          r[i] = v; g[i] = v; b[i] = v
        }
      }
    }
  }
}
