import CShim
import IO
import Imaging
import Pipeline

/// Planar float frames for callers without libav (the C API's `*_planar` calls).
extension ReexposeFilter {
  /// Sends non-linear SDR R'G'B' planes (0...1, BT.709 primaries, the preset's input transfer).
  public func send(signal: PlanarImage, pts: Int64?) throws {
    try context.run {
      let linear = PlanarImage(width: signal.width, height: signal.height)
      SignalLinearizer(params: params.input).apply(signal: signal, into: linear)
      try send(linear: linear, signal: pipeline.needsSignal ? signal.copy() : nil, pts: pts)
    }
  }

  /// Size of the frame ``receiveSignal()`` returns next, nil when none is ready (a caller checks its
  /// buffers against it before taking the frame).
  public var nextFrameSize: (width: Int, height: Int)? {
    ready.first.map { ($0.image.width, $0.image.height) }
  }

  /// The next finished frame as output-signal R'G'B' planes [3,H,W] (PQ/HLG code values 0...1, or linear
  /// light for `linear` output) with its pts; nil when none is ready.
  public func receiveSignal() throws -> (image: PlanarImage, pts: Int64?)? {
    try context.run { try receiveSignalBound() }
  }

  func receiveSignalBound() throws -> (image: PlanarImage, pts: Int64?)? {
    guard let frame = receiveLinear() else { return nil }
    let out: LibavFrame
    do {
      if planarConverter == nil {
        var planarParams = params.output
        planarParams.pixelFormat = .gbrpf32le
        planarConverter = try OutputConverter(params: planarParams, contentLightCeilingNits: params.contentLightCeilingNits)
      }
      out = try planarConverter!.convert(frame.image, pts: frame.pts, duration: frame.duration)
    } catch {
      throw FilterError.wrap(error)
    }
    let w = frame.width, h = frame.height
    let image = PlanarImage(width: w, height: h)
    // gbrpf32le stores planes in G, B, R order.
    let order = [2, 0, 1]
    for (p, c) in order.enumerated() {
      guard let base = out.pointer.pointee.data_ptr(p) else { continue }
      let stride = Int(out.pointer.pointee.linesize_at(p))
      for y in 0..<h {
        let row = (base + y * stride).assumingMemoryBound(to: Float.self)
        image.row(c, y).update(from: row, count: w)
      }
    }
    recycle(frame)
    return (image, frame.pts)
  }
}

extension AVFrame {
  /// data[i] as a raw pointer (AVFrame.data is an imported 8-tuple).
  func data_ptr(_ i: Int) -> UnsafeMutableRawPointer? {
    var d = data
    return withUnsafeBytes(of: &d) { $0.load(fromByteOffset: i * MemoryLayout<UnsafeMutablePointer<UInt8>?>.stride, as: UnsafeMutableRawPointer?.self) }
  }

  /// linesize[i] (AVFrame.linesize is an imported 8-tuple).
  func linesize_at(_ i: Int) -> Int32 {
    var l = linesize
    return withUnsafeBytes(of: &l) { $0.load(fromByteOffset: i * 4, as: Int32.self) }
  }
}
