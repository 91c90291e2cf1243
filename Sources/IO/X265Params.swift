import Color
import Media

/// The `-x265-params` value carrying HDR10 metadata that libx265 in ffmpeg 5.1 does not take from side data.
///
/// `master-display=G(x,y)B(x,y)R(x,y)WP(x,y)L(max,min):max-cll=CLL,FALL`; chromaticities in 0.00002 units,
/// luminance in 0.0001 cd/m² (SMPTE ST 2086 as x265 expects it). Declared values: max = peakNits,
/// min = masteringMinNits, MaxCLL = peakNits, MaxFALL = min(peakNits, 400).
public func x265Params(for params: OutputParams) -> String {
  let c = params.masteringPrimaries.chromaticities
  func xy(_ p: (Double, Double)) -> String {
    "(\(Int((p.0 * 50000).rounded())),\(Int((p.1 * 50000).rounded())))"
  }
  let maxL = Int((Double(params.peakNits) * 10000).rounded())
  let minL = Int((Double(params.masteringMinNits) * 10000).rounded())
  let cll = HDRMetadata.declaredContentLight(params)
  return "master-display=G\(xy(c.g))B\(xy(c.b))R\(xy(c.r))WP\(xy(c.w))L(\(maxL),\(minL))"
    + ":max-cll=\(cll.maxCLL),\(cll.maxFALL)"
}
