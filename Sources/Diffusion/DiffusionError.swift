import NN

/// Errors of the diffusion stage; every case names the weights file involved.
public enum DiffusionError: Error, Equatable, CustomStringConvertible {
  /// The weights file could not be read or does not hold the expected network (missing file,
  /// truncated file, missing tensor, wrong shape); `underlying` carries the tensor and shapes.
  case weights(path: String, underlying: NNError)

  /// Human-readable text naming the file (or the parameter).
  public var description: String {
    switch self {
    case .weights(let path, let underlying):
      return "diffusion weights '\(path)': \(underlying)"
    }
  }

  /// Same as `description` (mirrors `LocalizedError.errorDescription`).
  public var errorDescription: String? { description }
}
