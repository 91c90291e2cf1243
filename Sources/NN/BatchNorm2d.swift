/// Eval-mode batch normalisation parameters, meant to be folded into the preceding conv at load time.
///
/// Reads `prefix.weight` (γ), `prefix.bias` (β), `prefix.running_mean`, `prefix.running_var`, all `[C]`.
public struct BatchNorm2d: WeightLoadable {
  /// Channel count.
  public let channels: Int
  /// ε added to the variance (PyTorch default 1e-5).
  public let eps: Float
  /// Scale γ, bias β, running mean and variance, each `[C]`.
  public var gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor

  /// Identity statistics (γ = 1, β = 0, mean = 0, var = 1).
  public init(channels: Int, eps: Float = 1e-5) {
    self.channels = channels
    self.eps = eps
    let s = Shape(1, 1, 1, channels)
    gamma = Tensor(shape: s, values: Array(repeating: 1, count: channels))
    beta = Tensor(zeros: s)
    runningMean = Tensor(zeros: s)
    runningVar = Tensor(shape: s, values: Array(repeating: 1, count: channels))
  }

  /// Reads γ, β and the running statistics.
  public mutating func load(from weights: SafeTensors, prefix: String) throws {
    gamma = try weights.tensor(prefix.dot("weight"), shape: [channels])
    beta = try weights.tensor(prefix.dot("bias"), shape: [channels])
    runningMean = try weights.tensor(prefix.dot("running_mean"), shape: [channels])
    runningVar = try weights.tensor(prefix.dot("running_var"), shape: [channels])
  }
}
