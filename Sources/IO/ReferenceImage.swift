import CShim
import Foundation
import Imaging
import Media

/// Loads a still of the scene (`--reference IMAGE`) as linear BT.709 light [3, H, W] for the diffusion stage.
///
/// Float images (OpenEXR: libav's `gbrpf32le`/`gbrapf32le`; Radiance HDR: ``RadianceImage``) are taken as
/// scene-linear BT.709 as stored; anything ``InputConverter`` reads (PNG, JPEG, TIFF, a video's first frame) is linearised
/// like the video input (its tags, else BT.709). Only the first frame is used. Its exposure does not
/// matter: the diffusion stage normalises the still itself.
public enum ReferenceImage {
  /// The still at `path`.
  /// - Throws: ``IOError`` naming the file when it cannot be opened or decoded, or is in a pixel format
  ///   neither path handles.
  public static func load(path: String) throws -> PlanarImage {
    if let problem = RegularFile.problem(path) {
      throw IOError.libav(operation: "open", target: path, code: -22, message: problem)
    }
    if let head = FileHandle(forReadingAtPath: path).map({ h in defer { try? h.close() }; return h.readData(ofLength: 16) }),
      RadianceImage.isRadiance(head)
    {
      guard let bytes = FileManager.default.contents(atPath: path) else {
        throw IOError.libav(operation: "read", target: path, code: -5, message: "cannot read the file")
      }
      return try RadianceImage.decode(bytes, path: path)
    }
    let reader = try MediaReader(path: path, anyPixelFormat: true)
    while let item = try reader.next() {
      guard case let .video(frame) = item else { continue }
      let f = frame.pointer.pointee
      let w = Int(f.width), h = Int(f.height)
      let format = AVPixelFormat(rawValue: f.format)
      if format == AV_PIX_FMT_GBRPF32LE || format == AV_PIX_FMT_GBRAPF32LE {
        let out = PlanarImage(width: w, height: h, channels: 3)
        // Planar GBR(A): data[0] = G, data[1] = B, data[2] = R.
        let planes = [f.data.0, f.data.1, f.data.2], strides = [f.linesize.0, f.linesize.1, f.linesize.2]
        for (c, plane) in [(0, 2), (1, 0), (2, 1)] {
          guard let base = planes[plane].map(UnsafeRawPointer.init) else {
            throw IOError.corrupt(path: path, detail: "float image without plane \(plane)")
          }
          let stride = Int(strides[plane])
          for y in 0..<h {
            let src = (base + y * stride).assumingMemoryBound(to: Float.self)
            let dst = out.row(c, y)
            for x in 0..<w { dst[x] = src[x].isFinite ? max(src[x], 0) : 0 }
          }
        }
        return out
      }
      guard InputConverter.supports(format) else {
        throw IOError.unsupported("pixel format \(LibavNames.pixelFormat(format)) of reference image '\(path)'")
      }
      let linear = PlanarImage(width: w, height: h, channels: 3)
      try InputConverter(params: InputParams()).convert(UnsafePointer(frame.pointer), linear: linear, signal: nil)
      return linear
    }
    throw IOError.corrupt(path: path, detail: "no image in the file")
  }
}
