import Foundation
import Imaging
import Parameters

/// Places SDR video inside a BT.2100 HDR signal (PQ or HLG), following ITU-R BT.2408.
///
/// Two mappings, chosen by ``light``:
///
/// * **Display light** (BT.2408 §5, "display-referred" mapping, keeps the look of the SDR display):
///   SDR R'G'B' → SDR display EOTF (BT.1886 γ 2.4 or sRGB) → relative linear (1 = SDR white)
///   → × reference white (203 cd/m², BT.2408) → BT.709 → BT.2020 primaries (linear)
///   → PQ inverse EOTF (ST 2084) of the cd/m², or for HLG the inverse OOTF on a display of
///   ``hlgPeakNits`` (BT.2100) followed by the HLG OETF.
/// * **Scene light** (BT.2408 "scene-referred" mapping, keeps the camera's scene relationships):
///   SDR R'G'B' → inverse BT.709 OETF → relative scene light (1 = SDR 100 %) → BT.2020 primaries
///   → × s, with s = (L_ref / L_W)^(1/γ), so that SDR 100 % displays at reference white on the nominal
///   HLG display (≈ 75 % HLG signal for 203 cd/m² on 1000 cd/m², BT.2408) → HLG OETF. For PQ output the
///   scene light goes through the HLG OOTF (L_W = ``hlgPeakNits``) to cd/m² and then the PQ inverse EOTF.
///
/// Both mappings send SDR white to ``referenceWhiteNits`` on the nominal display; neither adds highlight
/// headroom (that is ``InverseToneMap``'s job, between ``displayNits(r:g:b:)`` and the encode step).
public struct SDRMapping: Equatable, Sendable {
  /// Which light the mapping preserves.
  public enum Light: String, CaseIterable, Sendable {
    /// Display-referred: the SDR display's output is reproduced at reference white.
    case display
    /// Scene-referred: the camera's scene light is re-encoded with the HLG OETF.
    case scene
  }

  /// The SDR display EOTF used by display-light mapping (names match ``CurveRegistry``).
  public enum SDRTransfer: String, CaseIterable, Sendable {
    /// ITU-R BT.1886 reference EOTF, γ 2.4, zero black (video).
    case bt1886
    /// IEC 61966-2-1 sRGB piecewise EOTF (computer graphics, stills).
    case srgb

    /// SDR signal 0...1 → relative linear display light 0...1.
    @inlinable public func eotf(_ v: Double) -> Double {
      switch self {
      case .bt1886: return BT1886.eotf(v)
      case .srgb: return SRGB.eotf(v)
      }
    }
  }

  /// The HDR signal produced.
  public enum Output: String, CaseIterable, Sendable {
    /// SMPTE ST 2084 PQ (HDR10), absolute cd/m².
    case pq
    /// ITU-R BT.2100 hybrid log-gamma.
    case hlg
  }

  /// Display- or scene-light mapping. Default `.display`.
  public var light: Light = .display
  /// SDR display EOTF for display-light mapping (ignored for scene light). Default `.bt1886`.
  public var sdrTransfer: SDRTransfer = .bt1886
  /// HDR signal to produce. Default `.pq`.
  public var output: Output = .pq
  /// Primaries of the SDR input; converted to BT.2020 in linear light. Default `.bt709`.
  public var sourcePrimaries: Primaries = .bt709
  /// Where SDR 100 % white lands, cd/m². Range 48...1000, default 203 (BT.2408). Higher = brighter SDR.
  public var referenceWhiteNits: Double = ReferenceWhite.nits
  /// Nominal peak L_W of the HLG display, cd/m², used by the HLG OOTF and its inverse.
  /// Range 400...4000, default 1000 (BT.2100 reference, γ = 1.2).
  public var hlgPeakNits: Double = 1000

  /// Creates a mapping with the defaults (display light, BT.1886, PQ, BT.709 input, 203 cd/m²).
  public init(
    light: Light = .display, sdrTransfer: SDRTransfer = .bt1886, output: Output = .pq,
    sourcePrimaries: Primaries = .bt709, referenceWhiteNits: Double = ReferenceWhite.nits,
    hlgPeakNits: Double = 1000
  ) {
    self.light = light
    self.sdrTransfer = sdrTransfer
    self.output = output
    self.sourcePrimaries = sourcePrimaries
    self.referenceWhiteNits = referenceWhiteNits
    self.hlgPeakNits = hlgPeakNits
  }

  /// Checks every numeric field against its documented range.
  public func validate() throws {
    try ParameterError.check(referenceWhiteNits, in: 48...1000, key: "referenceWhiteNits")
    try ParameterError.check(hlgPeakNits, in: 400...4000, key: "hlgPeakNits")
  }

  /// Linear source primaries → BT.2020 (identity when the source is already BT.2020).
  public var toBT2020: Matrix3 { Primaries.conversion(from: sourcePrimaries, to: .bt2020) }

  /// Scene-light scale s = (L_ref / L_W)^(1/γ): relative scene light 1 (SDR 100 %) → HLG scene light.
  ///
  /// With the defaults s ≈ 0.2648, whose HLG signal is ≈ 0.7499 (BT.2408's 75 %) and which the
  /// 1000 cd/m² reference display shows at 203 cd/m².
  public var sceneScale: Double {
    pow(referenceWhiteNits / hlgPeakNits, 1 / HLG.systemGamma(peakNits: hlgPeakNits))
  }

  // MARK: - Stages

  /// SDR R'G'B' 0...1 → BT.2020 linear display light in cd/m² (SDR white → ``referenceWhiteNits``).
  ///
  /// For scene light this is the display light of the nominal HLG display (HLG OOTF).
  public func displayNits(r: Double, g: Double, b: Double) -> (Double, Double, Double) {
    switch light {
    case .display:
      let lin = (sdrTransfer.eotf(r), sdrTransfer.eotf(g), sdrTransfer.eotf(b))
      let wide = toBT2020.apply(lin)
      let w = referenceWhiteNits
      return (max(wide.0, 0) * w, max(wide.1, 0) * w, max(wide.2, 0) * w)
    case .scene:
      let s = sceneLight(r: r, g: g, b: b)
      return HLG.ootf(r: s.0, g: s.1, b: s.2, peakNits: hlgPeakNits)
    }
  }

  /// SDR R'G'B' 0...1 → BT.2020 HLG scene light (SDR 100 % → ``sceneScale``); scene-light mapping's
  /// first half: inverse BT.709 OETF, primaries, scale.
  public func sceneLight(r: Double, g: Double, b: Double) -> (Double, Double, Double) {
    let lin = (BT709.inverseOETF(max(r, 0)), BT709.inverseOETF(max(g, 0)), BT709.inverseOETF(max(b, 0)))
    let wide = toBT2020.apply(lin)
    let s = sceneScale
    return (max(wide.0, 0) * s, max(wide.1, 0) * s, max(wide.2, 0) * s)
  }

  /// SDR R'G'B' 0...1 → BT.2020 HDR signal R'G'B' 0...1 (``output``), the whole mapping.
  public func signal(r: Double, g: Double, b: Double) -> (Double, Double, Double) {
    switch (light, output) {
    case (.scene, .hlg):
      // Scene light stays scene light: only the OETF, no OOTF round trip.
      let s = sceneLight(r: r, g: g, b: b)
      return (Self.clamp01(HLG.oetf(s.0)), Self.clamp01(HLG.oetf(s.1)), Self.clamp01(HLG.oetf(s.2)))
    case (_, .pq):
      let d = displayNits(r: r, g: g, b: b)
      return (PQ.encode(nits: d.0), PQ.encode(nits: d.1), PQ.encode(nits: d.2))
    case (.display, .hlg):
      let d = displayNits(r: r, g: g, b: b)
      let e = HLG.inverseEOTF(r: d.0, g: d.1, b: d.2, peakNits: hlgPeakNits)
      return (Self.clamp01(e.0), Self.clamp01(e.1), Self.clamp01(e.2))
    }
  }

  /// Luminance of SDR grey at signal `v` after mapping, in cd/m² on the nominal display.
  public func greyNits(_ v: Double) -> Double {
    let d = displayNits(r: v, g: v, b: v)
    return 0.2627 * d.0 + 0.6780 * d.1 + 0.0593 * d.2
  }

  @usableFromInline static func clamp01(_ x: Double) -> Double { min(max(x, 0), 1) }
}
