import CShim
import Foundation
import IO
import Imaging
import Media
import Pipeline
import Presets

/// The global, per-pixel part of a preset's mapping as a 3D LUT in the Resolve/Adobe `.cube` format, for
/// ffmpeg `lut3d`, DaVinci Resolve or OBS: SDR R'G'B' in, HDR R'G'B' out.
///
/// Every grid point goes through the filter's own code: the input converter (an RGB frame linearised by the
/// preset's `input.transfer`), the expansion stage without a mask (its global curve; the `recover` style
/// leaves unclipped pixels as they are), and the output converter to float R'G'B' in the output's
/// primaries and transfer. Denoising, highlight reconstruction and the learned stages look at
/// neighbourhoods and time, so no LUT holds them.
public enum CubeLUT {
  /// LUT sizes offered (33³ for players, 65³ for grading).
  public static let sizes = [17, 33, 65]

  /// The `.cube` text for `preset` at `size` points a side.
  /// - Throws: ``FilterError`` when the preset's parameters or a conversion fail.
  public static func text(preset: Preset, size: Int) throws -> String {
    guard sizes.contains(size) else { throw FilterError.invalidArgument("LUT size \(size); expected one of \(sizes)") }
    let p = preset.params
    let values = try evaluate(p, size: size)
    var out = "# reexpose \(ReexposeVersion.text), preset '\(preset.name)': its global per-pixel mapping"
      + " (no denoising, highlight reconstruction or learned stages)\n"
    out += "# input: BT.709 R'G'B', full range 0-1 (convert Y'CbCr to RGB first), transfer '\(p.input.transfer)'"
      + " (auto: BT.709 with a BT.1886 display)\n"
    let white = Int(p.output.referenceWhiteNits), peak = Int(p.output.peakNits)
    out += "# output: \(p.output.primaries.rawValue) R'G'B', transfer '\(p.output.transfer)', full range 0-1;"
      + " SDR white at \(white) cd/m², peak \(peak) cd/m²\n"
    out += "TITLE \"reexpose \(preset.name)\"\nLUT_3D_SIZE \(size)\nDOMAIN_MIN 0 0 0\nDOMAIN_MAX 1 1 1\n"
    out.reserveCapacity(out.utf8.count + values.count * 10)
    for i in stride(from: 0, to: values.count, by: 3) {
      out += String(format: "%.6f %.6f %.6f\n", values[i], values[i + 1], values[i + 2])
    }
    return out
  }

  /// Output R'G'B' of every grid point, R fastest, then G, then B (the `.cube` order).
  static func evaluate(_ p: PipelineParams, size n: Int) throws -> [Float] {
    do {
      // One row of n pixels per (g, b) pair: n × n² pixels in rgb48le, codes spread evenly over 0...65535.
      let width = n, height = n * n
      let frame = LibavFrame()
      let f = frame.pointer
      f.pointee.format = AV_PIX_FMT_RGB48LE.rawValue
      f.pointee.width = Int32(width)
      f.pointee.height = Int32(height)
      f.pointee.color_range = AVCOL_RANGE_JPEG
      f.pointee.color_primaries = AVCOL_PRI_BT709
      f.pointee.colorspace = AVCOL_SPC_RGB
      if av_frame_get_buffer(f, 0) < 0 { throw FilterError.outOfMemory("cannot allocate a \(n)³ LUT grid") }
      func code(_ i: Int) -> UInt16 { UInt16((Double(i) * 65535 / Double(n - 1)).rounded()) }
      for b in 0..<n {
        for g in 0..<n {
          let row = (f.pointee.data.0! + (b * n + g) * Int(f.pointee.linesize.0))
            .withMemoryRebound(to: UInt16.self, capacity: 3 * width) { $0 }
          for r in 0..<n {
            row[3 * r] = code(r)
            row[3 * r + 1] = code(g)
            row[3 * r + 2] = code(b)
          }
        }
      }
      let linear = PlanarImage(width: width, height: height, channels: 3)
      try InputConverter(params: p.input).convert(UnsafePointer(f), linear: linear, signal: nil)
      if p.expansion.enabled {
        _ = try ExpansionStage(params: p.expansion, output: p.output).push(Frame(image: linear, pts: 0, index: 0))
      }
      var outParams = p.output
      outParams.pixelFormat = .gbrpf32le
      let out = try OutputConverter(params: outParams).convert(linear, pts: 0)
      let o = out.pointer.pointee
      // gbrpf32le: data[0] = G, data[1] = B, data[2] = R.
      let planes = [o.data.2!, o.data.0!, o.data.1!]
      let strides = [Int(o.linesize.2), Int(o.linesize.0), Int(o.linesize.1)]
      var values = [Float](repeating: 0, count: 3 * n * n * n)
      for b in 0..<n {
        for g in 0..<n {
          let y = b * n + g
          for c in 0..<3 {
            let row = UnsafeRawPointer(planes[c] + y * strides[c]).assumingMemoryBound(to: Float.self)
            for r in 0..<n { values[3 * ((b * n + g) * n + r) + c] = row[r] }
          }
        }
      }
      return values
    } catch let e as FilterError {
      throw e
    } catch {
      throw FilterError.wrap(error)
    }
  }
}
