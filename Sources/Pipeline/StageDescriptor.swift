import Parameters

/// Everything the pipeline, the preset schema, the docs and the contract tests need to know about one
/// stage, declared once next to the stage (`static let descriptor`) and listed in ``StageRegistry``.
/// `@unchecked Sendable`: immutable; the closures capture only key paths and constants.
public struct StageDescriptor: @unchecked Sendable {
  /// Stage name, which is also its preset section (`highlights`).
  public var name: String { section.name }
  /// The preset section holding the stage's parameters.
  public let section: ParameterSection
  /// Sections that must be enabled when this one is, with why (`diffusion` starts from `highlights`' fill).
  public let requires: [(section: String, reason: String)]
  /// Sections that must be disabled when this one is, with why, where `excludesWhen` holds for the params.
  public let excludes: [(section: String, reason: String)]
  public let excludesWhen: (PipelineParams) -> Bool
  /// Whether the stage runs for `params`.
  public let isEnabled: (PipelineParams) -> Bool
  /// Whether the stage reads `frame.overMask` / `underMask` for `params` (the mask stage then runs first).
  public let readsMasks: (PipelineParams) -> Bool
  /// Frames the stage holds back for `params`, and the key that sets it (nil when it never looks ahead).
  public let lookAheadFrames: (PipelineParams) -> Int
  public let lookAheadKey: String?
  /// Whether the stage never takes a pixel above SDR white (masks, which only measure); a stage that may
  /// (highlight reconstruction, expansion, the learned stages) raises the declared MaxCLL to the peak.
  public let keepsWithinWhite: Bool
  /// Builds the stage from validated parameters.
  public let make: (PipelineParams, StageEnvironment) throws -> Stage

  /// A stage whose parameters live at `path` of `PipelineParams` under the section `name`.
  public init<P: ParameterSet>(
    _ name: String, params path: WritableKeyPath<PipelineParams, P>,
    enabled: @escaping (PipelineParams) -> Bool,
    readsMasks: @escaping (PipelineParams) -> Bool = { _ in false },
    lookAhead: (key: String, frames: (PipelineParams) -> Int)? = nil,
    requires: [(section: String, reason: String)] = [],
    excludes: [(section: String, reason: String)] = [],
    excludesWhen: @escaping (PipelineParams) -> Bool = { _ in true },
    keepsWithinWhite: Bool = false,
    make: @escaping (PipelineParams, StageEnvironment) throws -> Stage
  ) {
    self.keepsWithinWhite = keepsWithinWhite
    section = ParameterSection(name, path)
    self.isEnabled = enabled
    self.readsMasks = readsMasks
    lookAheadFrames = lookAhead?.frames ?? { _ in 0 }
    lookAheadKey = lookAhead.map { name + "." + $0.key }
    self.requires = requires
    self.excludes = excludes
    self.excludesWhen = excludesWhen
    self.make = make
  }
}

/// What stages are built with besides their parameters.
public struct StageEnvironment: Sendable {
  /// Finds learned stages' weights by name.
  public var models: ModelLocator

  public init(models: ModelLocator = ModelLocator()) { self.models = models }
}
