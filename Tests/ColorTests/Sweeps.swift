import Foundation
import XCTest

/// `count` values spaced evenly in log10 from `lo` to `hi` (both > 0, both included).
func logSweep(from lo: Double, to hi: Double, count: Int) -> [Double] {
  let a = log10(lo), b = log10(hi)
  return (0..<count).map { pow(10, a + (b - a) * Double($0) / Double(count - 1)) }
}

/// `count` values spaced evenly from `lo` to `hi` (both included).
func linearSweep(from lo: Double, to hi: Double, count: Int) -> [Double] {
  (0..<count).map { lo + (hi - lo) * Double($0) / Double(count - 1) }
}

/// Asserts |a − b| ≤ tolerance, naming what was compared.
func assertClose(
  _ a: Double, _ b: Double, tolerance: Double, _ what: @autoclosure () -> String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssert(abs(a - b) <= tolerance, "\(what()): \(a) vs \(b) (tolerance \(tolerance))", file: file, line: line)
}

/// Asserts the two triples agree component-wise within `tolerance`.
func assertClose(
  _ a: (Double, Double, Double), _ b: (Double, Double, Double), tolerance: Double,
  _ what: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
  let d = max(abs(a.0 - b.0), abs(a.1 - b.1), abs(a.2 - b.2))
  XCTAssert(d <= tolerance, "\(what()): \(a) vs \(b) (tolerance \(tolerance))", file: file, line: line)
}

/// A small deterministic pseudo-random generator (SplitMix64) so failures reproduce.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
