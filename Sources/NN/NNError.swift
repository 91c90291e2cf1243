/// Errors raised by the NN module for data problems (bad weight files, missing or mis-shaped tensors).
///
/// Programmer errors (wrong shapes passed to a kernel) are `precondition`s instead; every case here
/// carries the context needed to find the offending file or tensor.
public enum NNError: Error, Equatable, CustomStringConvertible {
  /// The file could not be opened or mapped (`errno` from the OS).
  case cannotOpen(path: String, errno: Int32)
  /// The file is shorter than its header or a tensor's data range says it should be.
  case truncated(path: String, expectedBytes: Int, actualBytes: Int)
  /// The safetensors JSON header is malformed or inconsistent.
  case invalidHeader(path: String, reason: String)
  /// A tensor uses a dtype other than F32, F16 or BF16.
  case unsupportedDType(path: String, tensor: String, dtype: String)
  /// A layer asked for a tensor the file does not contain.
  case missingTensor(path: String, tensor: String, available: [String])
  /// A tensor exists but its shape differs from the one the layer was built with.
  case shapeMismatch(path: String, tensor: String, expected: [Int], actual: [Int])
  /// A tensor holds a NaN or an infinity (damaged weights would turn every output black).
  case nonFinite(path: String, tensor: String, index: Int)

  /// Human-readable text that names the file and tensor involved.
  public var description: String {
    switch self {
    case .cannotOpen(let path, let e):
      return "cannot open weights file '\(path)' (errno \(e))"
    case .truncated(let path, let expected, let actual):
      return "weights file '\(path)' is truncated: needs \(expected) bytes, has \(actual)"
    case .invalidHeader(let path, let reason):
      return "weights file '\(path)' has an invalid safetensors header: \(reason)"
    case .unsupportedDType(let path, let tensor, let dtype):
      return "tensor '\(tensor)' in '\(path)' has unsupported dtype \(dtype) (expected F32, F16 or BF16)"
    case .missingTensor(let path, let tensor, let available):
      let near = available.filter { $0.hasPrefix(tensor.split(separator: ".").first.map(String.init) ?? "") }
      let hint = near.isEmpty ? "" : "; tensors with the same prefix: \(near.prefix(8).joined(separator: ", "))"
      return "tensor '\(tensor)' not found in '\(path)' (\(available.count) tensors)\(hint)"
    case .shapeMismatch(let path, let tensor, let expected, let actual):
      return "tensor '\(tensor)' in '\(path)' has shape \(actual), expected \(expected)"
    case .nonFinite(let path, let tensor, let index):
      return "tensor '\(tensor)' in '\(path)' holds a NaN or infinite value (element \(index)): the weights are damaged"
    }
  }

  /// Same as `description`; mirrors `LocalizedError.errorDescription` without importing Foundation here.
  public var errorDescription: String? { description }
}
