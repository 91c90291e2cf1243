import Color
import Media
import Parameters

/// Highlight expansion in the style `expansion.style` picks (``RecoverExpansion``, the knee curve of
/// ``ExpansionApplier``, or ``BT2446Expansion``); looks ahead 0 frames. Reads the over-exposure mask in the
/// `recover` style when `clippedLiftLinear` > 0 and in the `knee` style when `maskDrive` > 0.
public final class ExpansionStage: Stage {
  public static let descriptor = StageDescriptor(
    "expansion", params: \.expansion, enabled: { $0.expansion.enabled },
    readsMasks: { $0.expansion.enabled && ExpansionStage.readsMask($0.expansion) },
    make: { p, _ in ExpansionStage(params: p.expansion, output: p.output) })

  public let name = "expansion"
  public let lookAheadFrames = 0
  enum Kind {
    case recover(RecoverExpansion)
    case knee(ExpansionApplier)
    case bt2446(BT2446Expansion)
  }
  let kind: Kind

  public init(params: ExpansionParams, output: OutputParams) {
    let peak = output.peakNits, white = output.referenceWhiteNits
    switch params.style {
    case .recover: kind = .recover(RecoverExpansion(params: params, peakNits: peak, referenceWhiteNits: white))
    case .knee: kind = .knee(ExpansionApplier(params: params, peakNits: peak, referenceWhiteNits: white))
    case .bt2446a, .bt2446c:
      kind = .bt2446(BT2446Expansion(method: params.style, peakNits: peak, referenceWhiteNits: white))
    }
  }

  /// Whether the style uses the over-exposure mask.
  static func readsMask(_ p: ExpansionParams) -> Bool {
    switch p.style {
    case .recover: return p.clippedLiftLinear > 0
    case .knee: return p.maskDrive > 0
    case .bt2446a, .bt2446c: return false
    }
  }

  public func push(_ frame: Frame) throws -> [Frame] {
    switch kind {
    case .recover(let e): e.apply(to: frame.image, overMask: frame.overMask)
    case .knee(let e): if !e.isIdentity { e.apply(to: frame.image, overMask: frame.overMask) }
    case .bt2446(let e): e.apply(to: frame.image)
    }
    return [frame]
  }

  public func flush() throws -> [Frame] { [] }
}

extension PipelineParams {
  /// The `expansion` section.
  public var expansion: ExpansionParams {
    get { self[section: ExpansionParams.self] }
    set { self[section: ExpansionParams.self] = newValue }
  }
}
