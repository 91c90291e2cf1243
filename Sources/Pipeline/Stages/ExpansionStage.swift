import Color
import Media
import Parameters

/// Inverse tone mapping: expands highlights toward the output peak (``ExpansionApplier``); looks ahead 0
/// frames. Reads the over-exposure mask when `expansion.maskDrive` > 0.
public final class ExpansionStage: Stage {
  public static let descriptor = StageDescriptor(
    "expansion", params: \.expansion, enabled: { $0.expansion.enabled },
    readsMasks: { $0.expansion.enabled && $0.expansion.maskDrive > 0 },
    make: { p, _ in ExpansionStage(params: p.expansion, output: p.output) })

  public let name = "expansion"
  public let lookAheadFrames = 0
  let applier: ExpansionApplier

  public init(params: ExpansionParams, output: OutputParams) {
    applier = ExpansionApplier(params: params, peakNits: output.peakNits, referenceWhiteNits: output.referenceWhiteNits)
  }

  public func push(_ frame: Frame) throws -> [Frame] {
    if !applier.isIdentity { applier.apply(to: frame.image, overMask: frame.overMask) }
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
