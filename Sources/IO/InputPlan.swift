import CShim
import Color

/// Everything ``InputConverter`` derives from one combination of pixel format and colour tags.
///
/// Built once per change of format/tags (normally once per stream): code → value LUTs, the Y'CbCr → R'G'B'
/// matrix, the linearising curve and the primaries matrix into BT.709.
struct InputPlan {
  /// What the plan was built for; a frame with another key needs a new plan.
  struct Key: Hashable {
    var format: Int32, space: UInt32, range: UInt32, trc: UInt32, primaries: UInt32
  }

  let layout: PixelLayout
  /// Code → normalised value, value = scale · code + offset: luma/R'G'B' (0...1) and chroma (−0.5...0.5).
  let lumaScale: Float, lumaOffset: Float, chromaScale: Float, chromaOffset: Float
  /// Y'CbCr → R'G'B': R' = Y' + crR·Cr, G' = Y' − cbG·Cb − crG·Cr, B' = Y' + cbB·Cb.
  let crR: Float, cbG: Float, crG: Float, cbB: Float
  /// Signal → relative linear light (``SIMDLUT`` uniform table).
  let linearize: [Float]
  /// Input primaries → BT.709, row-major; nil when already BT.709.
  let toBT709: [Float]?

  /// Builds the plan, appending notes about assumptions to `notes`.
  ///
  /// - Throws: `IOError.unsupported` for HDR transfers and colour matrices we cannot invert.
  init(key: Key, transfer: String, notes: inout [String]) throws {
    let fmt = AVPixelFormat(rawValue: key.format)
    guard let layout = PixelLayout(fmt) else {
      throw IOError.unsupported("input pixel format \(LibavNames.pixelFormat(fmt))")
    }
    self.layout = layout
    let space = AVColorSpace(rawValue: key.space)
    let range = AVColorRange(rawValue: key.range)
    let trc = AVColorTransferCharacteristic(rawValue: key.trc)
    let prim = AVColorPrimaries(rawValue: key.primaries)
    var missing: [String] = []

    // Range: tag, else limited for Y'CbCr (full for yuvj*), full for RGB and gray (as swscale treats them).
    var full: Bool
    switch range {
    case AVCOL_RANGE_JPEG: full = true
    case AVCOL_RANGE_MPEG: full = false
    default:
      full = layout.kind != .yuv || layout.impliesFullRange
      if layout.kind == .yuv && !layout.impliesFullRange { missing.append("range") }
    }
    // BT.709/BT.2100: narrow Y' = (D − 16·2ⁿ⁻⁸)/(219·2ⁿ⁻⁸), C = (D − 128·2ⁿ⁻⁸)/(224·2ⁿ⁻⁸);
    // full Y' = D/(2ⁿ − 1), C = (D − 2ⁿ⁻¹)/(2ⁿ − 1).
    let n = layout.depth
    let unit = Double(1 << (n - 8)), maxCode = Double((1 << n) - 1)
    if full {
      (lumaScale, lumaOffset) = (Float(1 / maxCode), 0)
      (chromaScale, chromaOffset) = (Float(1 / maxCode), Float(-Double(1 << (n - 1)) / maxCode))
    } else {
      (lumaScale, lumaOffset) = (Float(1 / (219 * unit)), Float(-16.0 / 219))
      (chromaScale, chromaOffset) = (Float(1 / (224 * unit)), Float(-128.0 / 224))
    }

    // Matrix: luma weights (Kr, Kb) of the tagged Y'CbCr matrix (BT.709, BT.601, BT.2020 NCL, …).
    var kr = 0.2126, kb = 0.0722
    if layout.kind == .yuv {
      switch space {
      case AVCOL_SPC_BT709: break
      case AVCOL_SPC_BT470BG, AVCOL_SPC_SMPTE170M: (kr, kb) = (0.299, 0.114)  // BT.601
      case AVCOL_SPC_BT2020_NCL: (kr, kb) = (0.2627, 0.0593)  // BT.2020 table 4
      case AVCOL_SPC_FCC: (kr, kb) = (0.30, 0.11)
      case AVCOL_SPC_SMPTE240M: (kr, kb) = (0.212, 0.087)
      case AVCOL_SPC_UNSPECIFIED, AVCOL_SPC_RESERVED: missing.append("matrix")
      default:
        throw IOError.unsupported("input colour matrix \(LibavNames.matrix(space))")
      }
    }
    // ITU-R BT.601/709/2020: E'R = Y' + 2(1−Kr)·Cr, E'B = Y' + 2(1−Kb)·Cb, G' from Y' = Kr R' + Kg G' + Kb B'.
    let kg = 1 - kr - kb
    crR = Float(2 * (1 - kr))
    cbB = Float(2 * (1 - kb))
    cbG = Float(2 * kb * (1 - kb) / kg)
    crG = Float(2 * kr * (1 - kr) / kg)

    // Transfer.
    let trcName = LibavNames.transfer(trc)
    var curve: (Double) -> Double
    switch transfer {
    case "srgb": curve = SRGB.eotf
    case "bt1886": curve = BT1886.eotf
    case "bt709": curve = BT709.inverseOETF
    default:
      switch trc {
      case AVCOL_TRC_SMPTE2084, AVCOL_TRC_ARIB_STD_B67, AVCOL_TRC_SMPTE428:
        throw IOError.unsupported("input is already HDR (\(trcName))")
      case AVCOL_TRC_IEC61966_2_1: curve = SRGB.eotf
      case AVCOL_TRC_LINEAR: curve = { $0 }
      case AVCOL_TRC_GAMMA22: curve = { pow(max($0, 0), 2.2) }
      case AVCOL_TRC_GAMMA28: curve = { pow(max($0, 0), 2.8) }
      case AVCOL_TRC_BT709, AVCOL_TRC_SMPTE170M, AVCOL_TRC_BT2020_10, AVCOL_TRC_BT2020_12, AVCOL_TRC_BT1361_ECG:
        curve = BT1886.eotf  // SDR camera OETF tags: display light via BT.1886 (L_B = 0)
      case AVCOL_TRC_UNSPECIFIED, AVCOL_TRC_RESERVED, AVCOL_TRC_RESERVED0:
        curve = BT1886.eotf
        missing.append("transfer")
      default:
        curve = BT1886.eotf
        notes.append("input transfer \(trcName) is not handled; decoding it as BT.1886")
      }
    }
    linearize = SIMDLUT.uniformTable(curve)

    // Primaries: linear conversion into BT.709 (same D65 white).
    var source: Primaries = .bt709
    switch prim {
    case AVCOL_PRI_BT709: break
    case AVCOL_PRI_BT2020: source = .bt2020
    case AVCOL_PRI_SMPTE432: source = .p3d65
    case AVCOL_PRI_UNSPECIFIED, AVCOL_PRI_RESERVED, AVCOL_PRI_RESERVED0: missing.append("primaries")
    default:
      notes.append("input primaries \(LibavNames.primaries(prim)) treated as BT.709")
    }
    toBT709 = source == .bt709 ? nil : Primaries.conversion(from: source, to: .bt709).floats

    if !missing.isEmpty {
      let r = full ? "full" : "limited"
      notes.append(
        "input colour tags missing (\(missing.joined(separator: ", "))): assuming BT.709 SDR, \(r) range")
    }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
