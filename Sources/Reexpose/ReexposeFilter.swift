import CShim
import Denoise
import Execution
import IO
import Imaging
import Media
import Pipeline
import Presets

/// The reexpose filter: SDR frames in, HDR frames out, with libavcodec's send/receive contract.
///
/// `send` converts a decoded AVFrame to linear light and pushes it through the ``ReexposePipeline``;
/// `receive` converts the next finished frame to the output signal. Every frame sent comes out exactly once,
/// in order, with its pts and duration. `send(nil)` drains. `send` never refuses input for lack of room:
/// the pipeline holds at most its look-ahead, so memory is bounded by the window, not the stream.
/// The CLI and the C API (`libreexpose`) both drive exactly this type.
///
/// Each filter owns one ``Execution/ExecutionContext`` (its worker count) and binds it around every call,
/// so filters on different threads run side by side without sharing any mutable setting. One filter is
/// not thread-safe: drive it from one thread at a time.
public final class ReexposeFilter {
  /// The preset the filter was built from (after overrides).
  public let preset: Preset
  /// Effective parameters.
  public var params: PipelineParams { preset.params }
  /// Where the filter's kernels run (worker count); bound around every call.
  public let context: ExecutionContext
  let pipeline: ReexposePipeline
  let inputConverter: InputConverter
  let outputConverter: OutputConverter
  let recycler: ImageRecycler
  var ready: [Frame] = []
  /// Output converter to float R'G'B' planes, made on the first planar receive.
  var planarConverter: OutputConverter?
  var reportedWarnings = 0
  /// Event recording feeding the fusion stage, with the time base (seconds per pts unit) of sent frames.
  var events: (file: EventFile, secondsPerTick: Double)?
  /// pts of the first frame sent after events were attached (their clock's zero).
  var eventsOrigin: Int64?
  /// Whether `send(nil)` has been called.
  public private(set) var isDraining = false
  /// Frames sent so far.
  public private(set) var framesSent = 0
  /// Frames received so far.
  public private(set) var framesReceived = 0
  /// The frame size ``checkMemory(width:height:)`` last passed.
  var memoryCheckedSize: (Int, Int)?

  /// Builds a filter from a validated preset, running on `threads` workers (nil: all cores).
  public init(preset: Preset, threads: Int? = nil) throws {
    self.preset = preset
    let context = threads.map { ExecutionContext(workers: $0) } ?? .default
    self.context = context
    do {
      pipeline = try context.run { try ReexposePipeline(params: preset.params, context: context) }
      inputConverter = InputConverter(params: preset.params.input)
      outputConverter = try OutputConverter(
        params: preset.params.output, contentLightCeilingNits: preset.params.contentLightCeilingNits)
    } catch {
      throw FilterError.wrap(error)
    }
    recycler = ImageRecycler(capacity: 2 * (pipeline.lookAheadFrames + 2))
  }

  /// Builds a filter from a preset name or YAML path plus `key=value` overrides (the CLI's `--set`), running
  /// on `threads` workers (nil: all cores).
  public convenience init(
    preset name: String, overrides: [String] = [], catalog: PresetCatalog = PresetCatalog(), threads: Int? = nil
  ) throws {
    do {
      var preset = try catalog.load(name)
      if !overrides.isEmpty { try preset.apply(overrides: overrides) }
      try self.init(preset: preset, threads: threads)
    } catch {
      throw FilterError.wrap(error)
    }
  }

  /// Frames the filter holds back before its first output.
  public var lookAheadFrames: Int { pipeline.lookAheadFrames }

  /// The libav pixel format of the frames ``receive()`` returns (the preset's `output.pixelFormat`).
  public var outputPixelFormat: AVPixelFormat { outputConverter.pixelFormat }

  /// Measured CTA-861.3 MaxCLL / MaxFALL of the frames received so far.
  public var contentLight: ContentLightStats { outputConverter.stats }

  /// The noise measured in each shot by the denoise stage (see ``ReexposePipeline/noiseEstimates``).
  public var noiseEstimates: [NoiseLevelFunction] { pipeline.noiseEstimates }

  /// Warnings not yet handed out (e.g. the untagged-input assumption), each reported once.
  public func takeWarnings() -> [String] {
    let all = inputConverter.warnings
    defer { reportedWarnings = all.count }
    return reportedWarnings < all.count ? Array(all[reportedWarnings...]) : []
  }

  /// Sends one decoded SDR frame; `nil` drains. The caller keeps ownership of `frame`.
  public func send(_ frame: UnsafePointer<AVFrame>?) throws {
    try context.run { try sendBound(frame) }
  }

  func sendBound(_ frame: UnsafePointer<AVFrame>?) throws {
    guard let frame else { return try drain() }
    if isDraining { throw FilterError.state("frame sent after the filter was drained") }
    let w = Int(frame.pointee.width), h = Int(frame.pointee.height)
    if w <= 0 || h <= 0 { throw FilterError.invalidArgument("frame has no size (\(w)x\(h))") }
    try checkMemory(width: w, height: h)
    let linear = recycler.take(width: w, height: h)
    // The signal costs a third of the input conversion; only mask/scene-cut stages read it.
    let signal = pipeline.needsSignal ? recycler.take(width: w, height: h) : nil
    do {
      try inputConverter.convert(frame, linear: linear, signal: signal)
    } catch {
      throw FilterError.wrap(error)
    }
    let pts = frame.pointee.pts == rx_nopts_value() ? nil : Optional(frame.pointee.pts)
    let duration = frame.pointee.pkt_duration > 0 ? Optional(frame.pointee.pkt_duration) : nil
    var f = Frame(image: linear, pts: pts, duration: duration, index: framesSent, signal: signal)
    f.events = try eventGrid(pts: pts)
    try push(f)
  }

  /// Sends a frame already in linear light (`image`) with its non-linear signal; for planar callers.
  public func send(linear: PlanarImage, signal: PlanarImage?, pts: Int64?, duration: Int64? = nil) throws {
    try context.run { try sendBound(linear: linear, signal: signal, pts: pts, duration: duration) }
  }

  func sendBound(linear: PlanarImage, signal: PlanarImage?, pts: Int64?, duration: Int64?) throws {
    if isDraining { throw FilterError.state("frame sent after the filter was drained") }
    try checkMemory(width: linear.width, height: linear.height)
    var f = Frame(image: linear, pts: pts, duration: duration, index: framesSent, signal: signal)
    f.events = try eventGrid(pts: pts)
    try push(f)
  }

  func push(_ frame: Frame) throws {
    do {
      ready += try pipeline.push(frame)
    } catch {
      throw FilterError.wrap(error)
    }
    framesSent += 1
  }

  /// Feeds an event recording to the fusion stage: each later frame gets the voxel grid of the events
  /// between the previous frame and itself (see ``EventFile``). `timeBase` is the seconds per pts unit
  /// of the frames that will be sent (num/den). Needs a preset with `fusion.enabled` and frames with pts.
  public func attachEvents(_ file: EventFile, timeBase: (num: Int, den: Int)) throws {
    guard params.fusion.enabled else {
      throw FilterError.invalidArgument("events need a preset with fusion.enabled (balanced, quality)")
    }
    guard timeBase.num > 0, timeBase.den > 0 else {
      throw FilterError.invalidArgument("time base \(timeBase.num)/\(timeBase.den) is not positive")
    }
    if framesSent > 0 { throw FilterError.state("events must be attached before the first frame") }
    events = (file, Double(timeBase.num) / Double(timeBase.den))
  }

  /// Conditions the diffusion stage on a still of the scene (linear BT.709 [3, h, w], any size and
  /// exposure; ``IO/ReferenceImage`` loads one from a file). Needs a preset with diffusion (`quality`).
  public func setReference(_ image: PlanarImage) throws {
    do { try context.run { try pipeline.setReference(image) } } catch { throw FilterError.wrap(error) }
  }

  /// Loads a still from `path` (OpenEXR/Radiance HDR as linear, or an SDR image) and conditions the
  /// diffusion stage on it.
  public func setReference(path: String) throws {
    let image: PlanarImage
    do { image = try context.run { try ReferenceImage.load(path: path) } } catch { throw FilterError.wrap(error) }
    try setReference(image)
  }

  /// The event grid of a frame with this pts, when events are attached.
  func eventGrid(pts: Int64?) throws -> PlanarImage? {
    guard let events else { return nil }
    guard let pts else {
      throw FilterError.invalidArgument("frame \(framesSent) has no timestamp; events need frame timestamps")
    }
    let origin = eventsOrigin ?? pts
    eventsOrigin = origin
    do {
      return try events.file.voxels(until: Double(pts - origin) * events.secondsPerTick)
    } catch {
      throw FilterError.wrap(error)
    }
  }

  /// Starts draining: every held frame becomes ready; later sends are errors.
  public func drain() throws {
    if isDraining { return }
    isDraining = true
    do {
      ready += try context.run { try pipeline.flush() }
    } catch {
      throw FilterError.wrap(error)
    }
  }

  /// The next finished frame in the output format, `.again` when more input is needed, `.endOfStream`
  /// once drained and empty.
  public func receive() throws -> ReceiveResult {
    guard let frame = nextFrame() else { return isDraining ? .endOfStream : .again }
    do {
      let out = try context.run { try outputConverter.convert(frame.image, pts: frame.pts, duration: frame.duration) }
      recycle(frame)
      return .frame(out)
    } catch {
      throw FilterError.wrap(error)
    }
  }

  /// The next finished frame as linear light (relative to SDR white, BT.709), or nil; for planar callers.
  public func receiveLinear() -> Frame? {
    nextFrame()
  }

  func nextFrame() -> Frame? {
    if ready.isEmpty { return nil }
    framesReceived += 1
    return ready.removeFirst()
  }

  /// Hands a received frame's buffers back for reuse.
  public func recycle(_ frame: Frame) {
    recycler.give(frame.image)
    recycler.give(frame.signal)
  }

  /// The `-x265-params` value for this preset's output (headers, and HDR10 metadata where it applies).
  public var x265Params: String { IO.x265Params(for: params.output, contentLightCeilingNits: params.contentLightCeilingNits) }
}
