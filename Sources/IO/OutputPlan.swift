import Color
import Foundation
import Media

/// Everything ``OutputConverter`` precomputes from ``OutputParams``: matrices, curve LUTs, code scaling.
struct OutputPlan {
  enum Encoding { case pq, hlg, linear }

  let encoding: Encoding
  /// Linear BT.709 relative → output primaries, row-major; scaled to cd/m² (× referenceWhiteNits) for PQ/HLG.
  let matrix: [Float]
  /// Multiplier from the matrix output to cd/m² for the light statistics (1 for PQ/HLG).
  let statsScale: Float
  /// Peak in cd/m²: PQ clips here, HLG's nominal peak L_W.
  let peakNits: Float
  /// PQ: SMPTE ST 2084 inverse EOTF of y = L / 10000 cd/m² (log-domain LUT, see ``SIMDLUT``).
  let pq: [Float]
  /// HLG: h(u) = u^(1/γ − 1) with u = Y_D / L_W, so that E = F_D / L_W · h(u) (BT.2100 inverse OOTF).
  let hlgRatio: [Float]
  /// HLG: OETF(E) (BT.2100) on scene light 0...1.
  let hlgOETF: [Float]
  /// Luma weights of the output primaries (BT.2020: 0.2627, 0.6780, 0.0593).
  let kr: Float, kg: Float, kb: Float
  /// 1 / (2(1 − Kb)) and 1 / (2(1 − Kr)): colour-difference scaling (BT.2020 / BT.709 Y'CbCr).
  let cbScale: Float, crScale: Float
  /// Code = round(offset + scale · value), clipped to 0...codeMax (2ⁿ − 1 for n-bit output).
  let yScale: Float, yOffset: Float, cScale: Float, cOffset: Float
  let codeMax: Float
  /// 4:2:0 chroma on the top-left luma sample (BT.2020/UHD practice) rather than between two rows.
  let chromaTopLeft: Bool
  /// `output.gamut: compress`: out-of-gamut colours desaturated towards their luminance and light above
  /// ``compressKneeNits`` rolled off towards the peak with its hue kept, instead of clipping each channel.
  let gamutCompress: Bool
  /// Where the roll-off starts: 80 % of the peak, and never below SDR white.
  let compressKneeNits: Float

  init(params p: OutputParams) {
    switch p.transfer {
    case "hlg": encoding = .hlg
    case "linear": encoding = .linear
    default: encoding = .pq
    }
    let conv = Primaries.conversion(from: .bt709, to: p.primaries).floats
    let ref = p.referenceWhiteNits
    matrix = encoding == .linear ? conv : conv.map { $0 * ref }
    statsScale = encoding == .linear ? ref : 1
    peakNits = p.peakNits
    pq = SIMDLUT.logTable { y in PQ.encode(nits: y * 10000) }
    let gamma = HLG.systemGamma(peakNits: Double(p.peakNits))
    // Y_S = u^(1/γ) and E = F_D / (L_W · Y_S^(γ−1)) = F_D / L_W · u^(1/γ − 1).
    hlgRatio = SIMDLUT.logTable { u in u > 0 ? pow(u, 1 / gamma - 1) : 0 }
    hlgOETF = SIMDLUT.logTable { e in HLG.oetf(e) }
    let w = p.primaries.lumaWeights
    (kr, kg, kb) = (Float(w.0), Float(w.1), Float(w.2))
    cbScale = Float(1 / (2 * (1 - w.2)))
    crScale = Float(1 / (2 * (1 - w.0)))
    chromaTopLeft = p.chromaSiting == .topleft
    gamutCompress = p.gamut == .compress
    compressKneeNits = min(max(0.8 * p.peakNits, p.referenceWhiteNits), 0.95 * p.peakNits)
    let n = p.pixelFormat == .gbrpf32le ? 10 : p.pixelFormat.bitDepth
    let full = Float((1 << n) - 1), half = Float(1 << (n - 1)), step = Float(1 << (n - 8))
    codeMax = full
    if p.fullRange {
      // BT.2100 full range: D = (2ⁿ − 1)·E', chroma (2ⁿ − 1)·C + 2ⁿ⁻¹.
      (yScale, yOffset, cScale, cOffset) = (full, 0, full, half)
    } else {
      // BT.2100 narrow range: D = 2ⁿ⁻⁸(219·E' + 16), chroma 2ⁿ⁻⁸(224·C + 128) (n = 10: Y 64…940, C 64…960).
      (yScale, yOffset, cScale, cOffset) = (219 * step, 16 * step, 224 * step, half)
    }
  }
}
