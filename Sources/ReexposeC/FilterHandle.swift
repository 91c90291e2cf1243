import Foundation
import Reexpose

/// What a `ReexposeFilter*` points to: the Swift filter plus the C-visible last-error string.
final class FilterHandle {
  let filter: ReexposeFilter
  private(set) var lastError: UnsafeMutablePointer<CChar>

  init(filter: ReexposeFilter) {
    self.filter = filter
    lastError = strdup("")!
  }

  deinit { free(lastError) }

  /// Records `error` and returns the status code the C caller sees (``ErrorStatus``'s table).
  func fail(_ error: Error, during operation: ErrorStatus.Operation = .process) -> Int32 {
    setLastError("\(error)")
    return ErrorStatus.classify(error, during: operation).status
  }

  func setLastError(_ message: String) {
    free(lastError)
    lastError = strdup(message) ?? strdup("")!
  }

  /// The handle behind an opaque pointer (no retain change).
  static func from(_ pointer: OpaquePointer?) -> FilterHandle? {
    guard let pointer else { return nil }
    return Unmanaged<FilterHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
  }
}
