/// Carries a non-Sendable value (a loop body) into `concurrentPerform`, whose iterations end before it returns.
@usableFromInline
struct UncheckedSendable<T>: @unchecked Sendable {
  @usableFromInline let value: T
  @inlinable init(_ value: T) { self.value = value }
}
