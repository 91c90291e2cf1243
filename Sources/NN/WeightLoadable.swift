/// A layer whose parameters bind by name from a weights file.
///
/// Names follow PyTorch's `state_dict`: a layer at `prefix` reads `prefix.weight`, `prefix.bias`, …
public protocol WeightLoadable {
  /// Replaces this layer's parameters with tensors `prefix.*` from `weights`, validating shapes.
  ///
  /// - Throws: `NNError.missingTensor` or `NNError.shapeMismatch` naming the tensor.
  mutating func load(from weights: SafeTensors, prefix: String) throws
}

extension String {
  /// `prefix.name`, or just `name` when the prefix is empty.
  func dot(_ name: String) -> String { isEmpty ? name : self + "." + name }
}
