import Execution
import Foundation
import XCTest

/// The execution context: chunk partitions (exactly the former `Parallel` / `NNThreading` formulas),
/// per-thread binding, binding on worker threads, and an immutable default.
final class ExecutionContextTests: XCTestCase {
  /// The chunks a loop ran, sorted, collected from whichever threads ran them.
  private func chunks(_ loop: (@escaping (Int, Int) -> Void) -> Void) -> [[Int]] {
    let lock = NSLock()
    var seen: [[Int]] = []
    loop { s, e in
      lock.lock()
      seen.append([s, e])
      lock.unlock()
    }
    return seen.sorted { $0[0] < $1[0] }
  }

  /// `count` split into `chunks` chunks of ceil(count / chunks), empty ones skipped.
  private func expected(_ count: Int, chunks: Int) -> [[Int]] {
    if chunks <= 1 { return [[0, count]] }
    let per = (count + chunks - 1) / chunks
    return (0..<chunks).compactMap { i in
      let s = i * per, e = min(count, s + per)
      return s < e ? [s, e] : nil
    }
  }

  func testImagePolicyPartitionIsTheFormerParallelFormula() {
    for workers in [1, 2, 3, 4, 7, 16] {
      let context = ExecutionContext(workers: workers)
      for count in [1, 2, 15, 16, 17, 64, 100, 257, 1080, 4097] {
        for minChunk in [0, 1, 4, 16, 100, 8192] {
          // Former Parallel.forRanges: min(max(1, count / minChunk), 4·workers); inline with one worker.
          let n = min(max(1, count / max(1, minChunk)), workers * 4)
          let want = workers == 1 ? [[0, count]] : expected(count, chunks: n)
          let got = chunks { body in context.forRanges(count, minChunk: minChunk) { body($0, $1) } }
          XCTAssertEqual(got, want, "workers \(workers) count \(count) minChunk \(minChunk)")
        }
      }
    }
  }

  func testNNPolicyPartitionIsTheFormerNNThreadingFormula() {
    for workers in [1, 2, 3, 4, 7, 16] {
      let context = ExecutionContext(workers: workers)
      for count in [1, 2, 3, 15, 16, 17, 64, 100, 257, 1080] {
        for minChunk in [0, 1, 4, 16, 1024] {
          // Former NNThreading.forRanges: min(threads, max(1, count / minChunk)).
          let want = expected(count, chunks: min(workers, max(1, count / max(1, minChunk))))
          let got = chunks { body in context.forChunks(count, minChunk: minChunk) { body($0, $1) } }
          XCTAssertEqual(got, want, "workers \(workers) count \(count) minChunk \(minChunk)")
        }
      }
    }
  }

  func testEmptyLoopsRunNothing() {
    let context = ExecutionContext(workers: 4)
    var ran = false
    context.forRanges(0) { _, _ in ran = true }
    context.forChunks(0) { _, _ in ran = true }
    context.forChunks(-3) { _, _ in ran = true }
    context.concurrentPerform(iterations: 0) { _ in ran = true }
    XCTAssertFalse(ran)
  }

  func testWorkersAreAtLeastOneAndDefaultIsAllCores() {
    XCTAssertEqual(ExecutionContext(workers: 0).workers, 1)
    XCTAssertEqual(ExecutionContext(workers: -5).workers, 1)
    XCTAssertEqual(ExecutionContext().workers, ExecutionContext.availableCores)
    XCTAssertEqual(ExecutionContext.default.workers, ExecutionContext.availableCores)
    XCTAssertEqual(ExecutionContext.default.nnKernels, NNKernelChoices())
  }

  func testRunBindsForTheCallAndNests() {
    let outer = ExecutionContext(workers: 3), inner = ExecutionContext(workers: 1)
    XCTAssertTrue(ExecutionContext.current === ExecutionContext.default)
    let seen: [Int] = outer.run {
      var s = [ExecutionContext.current.workers]
      inner.run { s.append(ExecutionContext.current.workers) }
      s.append(ExecutionContext.current.workers)
      return s
    }
    XCTAssertEqual(seen, [3, 1, 3])
    XCTAssertTrue(ExecutionContext.current === ExecutionContext.default)
  }

  func testRunRestoresTheBindingWhenTheBodyThrows() {
    struct Boom: Error {}
    XCTAssertThrowsError(try ExecutionContext(workers: 2).run { throw Boom() })
    XCTAssertTrue(ExecutionContext.current === ExecutionContext.default)
  }

  /// Two threads bind different contexts at the same time; each sees only its own.
  func testBindingIsPerThread() {
    let a = ExecutionContext(workers: 2), b = ExecutionContext(workers: 5)
    let aBound = DispatchSemaphore(value: 0), bChecked = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    let results = Results()
    let record = results.record
    let ta = Thread {
      a.run {
        aBound.signal()
        bChecked.wait()  // b is bound on the other thread now
        record("a sees a", ExecutionContext.current === a)
      }
      record("a unbound", ExecutionContext.current === ExecutionContext.default)
      done.signal()
    }
    let tb = Thread {
      aBound.wait()
      record("b sees default before", ExecutionContext.current === ExecutionContext.default)
      b.run {
        record("b sees b", ExecutionContext.current === b)
        bChecked.signal()
      }
      done.signal()
    }
    ta.start()
    tb.start()
    done.wait()
    done.wait()
    XCTAssertEqual(results.values, ["a sees a": true, "a unbound": true, "b sees default before": true, "b sees b": true])
    XCTAssertTrue(ExecutionContext.current === ExecutionContext.default, "the test thread never bound anything")
  }

  /// Chunks run on worker threads see the loop's context, and so do loops nested in them.
  func testWorkerThreadsSeeTheSameContextIncludingNestedLoops() {
    let context = ExecutionContext(workers: 4)
    let lock = NSLock()
    var wrong = 0, outerChunks = 0, innerChunks = 0
    context.run {
      context.forRanges(64, minChunk: 1) { _, _ in
        let ok = ExecutionContext.current === context
        lock.lock()
        if !ok { wrong += 1 }
        outerChunks += 1
        lock.unlock()
        ExecutionContext.current.forChunks(8) { _, _ in
          let ok = ExecutionContext.current === context
          lock.lock()
          if !ok { wrong += 1 }
          innerChunks += 1
          lock.unlock()
        }
      }
    }
    XCTAssertEqual(wrong, 0)
    XCTAssertEqual(outerChunks, 16)
    XCTAssertEqual(innerChunks, 16 * 4)
    XCTAssertTrue(ExecutionContext.current === ExecutionContext.default)
  }

  /// A loop called on a context that is not bound still binds it inside its chunks.
  func testLoopsBindTheirContextEvenWhenNotCurrent() {
    let context = ExecutionContext(workers: 3)
    let lock = NSLock()
    var seen: [Int] = []
    context.forChunks(9) { _, _ in
      lock.lock()
      seen.append(ExecutionContext.current.workers)
      lock.unlock()
    }
    context.forRanges(5, minChunk: 100) { _, _ in seen.append(ExecutionContext.current.workers) }  // inline
    context.concurrentPerform(iterations: 3) { _ in
      lock.lock()
      seen.append(ExecutionContext.current.workers)
      lock.unlock()
    }
    XCTAssertEqual(seen, Array(repeating: 3, count: 7))
  }

  /// A one-worker child (side-by-side jobs) runs its loops inline and leaves the parent and the
  /// default untouched.
  func testChildContextLeavesParentAndDefaultUnchanged() {
    var choices = NNKernelChoices()
    choices.convAlgorithm = .im2col
    choices.winogradTiles = 7
    let parent = ExecutionContext(workers: 4, nnKernels: choices)
    let child = parent.with(workers: 1)
    XCTAssertEqual(child.workers, 1)
    XCTAssertEqual(child.nnKernels, choices)
    XCTAssertTrue(parent.with(workers: 4) === parent)
    let lock = NSLock()
    var jobs: [(Int, Int, Int)] = []  // (job, workers seen, chunks its loop ran)
    parent.run {
      child.concurrentPerform(iterations: 4) { job in
        var n = 0
        ExecutionContext.current.forRanges(1000, minChunk: 1) { _, _ in n += 1 }
        lock.lock()
        jobs.append((job, ExecutionContext.current.workers, n))
        lock.unlock()
      }
      XCTAssertTrue(ExecutionContext.current === parent)
    }
    XCTAssertEqual(jobs.sorted { $0.0 < $1.0 }.map { [$0.0, $0.1, $0.2] }, [[0, 1, 1], [1, 1, 1], [2, 1, 1], [3, 1, 1]])
    XCTAssertEqual(parent.workers, 4)
    XCTAssertEqual(parent.nnKernels, choices)
    XCTAssertTrue(ExecutionContext.current === ExecutionContext.default)
    XCTAssertEqual(ExecutionContext.default.workers, ExecutionContext.availableCores)
    XCTAssertEqual(ExecutionContext.default.nnKernels, NNKernelChoices.default)
  }
}

/// Checks recorded from several threads.
private final class Results: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [String: Bool] = [:]

  var values: [String: Bool] {
    lock.lock()
    defer { lock.unlock() }
    return stored
  }

  @Sendable func record(_ key: String, _ ok: Bool) {
    lock.lock()
    stored[key] = ok
    lock.unlock()
  }
}
