import Parameters

/// One section of `PipelineParams` (a preset's top-level key): its name, its fields seen from
/// `PipelineParams`, and its own validation with keys prefixed by the section name.
/// `@unchecked Sendable`: immutable; the closure captures only a key path.
public struct ParameterSection: @unchecked Sendable {
  /// Section name as written in presets (`masks`).
  public let name: String
  /// The section's fields, keys dotted (`masks.overLowSignal`), in declaration order.
  public let parameters: [Parameter<PipelineParams>]
  private let validateSection: (PipelineParams) throws -> Void
  private let read: (PipelineParams) -> any ParameterSet

  /// The section stored at `path` of `PipelineParams`.
  public init<P: ParameterSet>(_ name: String, _ path: WritableKeyPath<PipelineParams, P>) {
    self.name = name
    parameters = P.parameters.map { $0.lifted(through: path, section: name) }
    read = { $0[keyPath: path] }
    validateSection = { params in
      do { try params[keyPath: path].validate() } catch let e as ParameterError { throw e.prefixed(name) }
    }
  }

  /// This section's values in `params`.
  public func values(in params: PipelineParams) -> any ParameterSet { read(params) }

  /// Validates this section of `params`; the error's key is dotted (`masks.overHighSignal`).
  public func validate(_ params: PipelineParams) throws { try validateSection(params) }
}
