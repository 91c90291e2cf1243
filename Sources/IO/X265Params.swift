import Color
import Media

/// The `-x265-params` value for the output: stream headers for broadcast, and the HDR10 metadata that
/// libx265 in ffmpeg 5.1 does not take from side data.
///
/// Always `repeat-headers=1:aud=1` (VPS/SPS/PPS with every keyframe and access unit delimiters, so a
/// stream can be joined mid-way, as broadcast and segmenting need). With HDR metadata
/// (``OutputParams/carriesHDRMetadata``; PQ by default): `hdr10=1:hdr10-opt=1` for PQ, then
/// `master-display=G(x,y)B(x,y)R(x,y)WP(x,y)L(max,min):max-cll=CLL,FALL`; chromaticities in 0.00002
/// units, luminance in 0.0001 cd/m² (SMPTE ST 2086 as x265 expects it); max = peakNits, min =
/// masteringMinNits, MaxCLL/MaxFALL as ``HDRMetadata/declaredContentLight(_:ceilingNits:)`` declares them.
public func x265Params(for params: OutputParams, contentLightCeilingNits: Float? = nil) -> String {
  var parts = ["repeat-headers=1", "aud=1"]
  guard params.carriesHDRMetadata else { return parts.joined(separator: ":") }
  if params.transfer == "pq" { parts += ["hdr10=1", "hdr10-opt=1"] }
  let c = params.masteringPrimaries.chromaticities
  func xy(_ p: (Double, Double)) -> String {
    "(\(Int((p.0 * 50000).rounded())),\(Int((p.1 * 50000).rounded())))"
  }
  let maxL = Int((Double(params.peakNits) * 10000).rounded())
  let minL = Int((Double(params.masteringMinNits) * 10000).rounded())
  let cll = HDRMetadata.declaredContentLight(params, ceilingNits: contentLightCeilingNits)
  parts.append("master-display=G\(xy(c.g))B\(xy(c.b))R\(xy(c.r))WP\(xy(c.w))L(\(maxL),\(minL))")
  parts.append("max-cll=\(cll.maxCLL),\(cll.maxFALL)")
  return parts.joined(separator: ":")
}
