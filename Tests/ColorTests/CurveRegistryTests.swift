import Color
import XCTest

/// Every curve in ``CurveRegistry``: monotonic both ways, finite, invertible; lookup and `--list-curves`.
final class CurveRegistryTests: XCTestCase {
  /// Linear-side sweep for a curve's domain (log-spaced, plus 0).
  private func linearPoints(_ curve: TransferCurve) -> [Double] {
    switch curve.domain {
    case .nits: return [0] + logSweep(from: 1e-3, to: 10000, count: 4001)
    case .scene: return [0] + logSweep(from: 1e-6, to: 1, count: 4001)
    case .relative: return [0] + logSweep(from: 1e-6, to: 64, count: 4001)
    }
  }

  /// Segment joints of the piecewise curves (sRGB, BT.709, HLG) on the linear and the signal side.
  private let linearJoints: [Double] = [0.0031308, BT709.beta, 0.018, 1.0 / 12]
  private let signalJoints: [Double] = [0.04045, 4.5 * BT709.beta, 0.081, 0.5]

  /// Points just around each joint: x(1 ± 1e-9), the neighbouring doubles and x itself.
  private func probes(_ joints: [Double]) -> [Double] {
    joints.flatMap { [$0 * (1 - 1e-9), $0.nextDown, $0, $0.nextUp, $0 * (1 + 1e-9)] }
  }

  /// Strictly increasing on the sweeps; around segment joints never decreasing by more than 5e-8.
  ///
  /// The tolerance covers the rounded constants of the standards themselves: sRGB's encode steps down by
  /// 2.9e-8 at 0.0031308 and HLG's inverse OETF by 1.6e-10 just above 0.5.
  func testEveryCurveIsMonotonic() {
    XCTAssertFalse(CurveRegistry.all.isEmpty)
    for curve in CurveRegistry.all {
      let xs = linearPoints(curve)
      for (a, b) in zip(xs, xs.dropFirst()) {
        XCTAssertLessThan(curve.encode(a), curve.encode(b), "\(curve.name) encode at \(a)")
      }
      let es = linearSweep(from: 0, to: 1, count: 4097)
      for (a, b) in zip(es, es.dropFirst()) {
        XCTAssertLessThan(curve.decode(a), curve.decode(b), "\(curve.name) decode at \(a)")
      }
      let lp = probes(linearJoints).sorted()
      for (a, b) in zip(lp, lp.dropFirst()) {
        XCTAssertGreaterThanOrEqual(curve.encode(b), curve.encode(a) - 5e-8, "\(curve.name) encode near \(a)")
      }
      let sp = probes(signalJoints).sorted()
      for (a, b) in zip(sp, sp.dropFirst()) {
        XCTAssertGreaterThanOrEqual(curve.decode(b), curve.decode(a) - 5e-8, "\(curve.name) decode near \(a)")
      }
    }
  }

  /// decode(encode(x)) = x on each curve's sweep (relative 1e-9) and the ends are finite.
  func testEveryCurveRoundTrips() {
    for curve in CurveRegistry.all {
      for x in linearPoints(curve) where x > 0 {
        let back = curve.decode(curve.encode(x))
        XCTAssertEqual(back, x, accuracy: 1e-9 * x, "\(curve.name) at \(x)")
      }
      XCTAssertTrue(curve.encode(0).isFinite && curve.decode(0).isFinite && curve.decode(1).isFinite, curve.name)
    }
  }

  func testLookup() {
    let names = CurveRegistry.all.map(\.name)
    XCTAssertEqual(Set(names).count, names.count, "names are unique")
    for name in names { XCTAssertEqual(CurveRegistry.named(name)?.name, name) }
    XCTAssertNil(CurveRegistry.named("gamma-3"))
    XCTAssertEqual(CurveRegistry.outputNames, ["pq", "hlg", "linear"])
  }

  func testListing() {
    let text = CurveRegistry.listing()
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    XCTAssertTrue(text.hasSuffix("\n"))
    XCTAssertEqual(lines.count, CurveRegistry.all.count + 1)
    XCTAssertTrue(lines[0].hasPrefix("NAME"))
    for (line, curve) in zip(lines.dropFirst(), CurveRegistry.all) {
      let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
      XCTAssertEqual(String(fields[0]), curve.name)
      XCTAssertEqual(String(fields[1]), curve.domain.rawValue)
      XCTAssertEqual(String(fields[2]), curve.isOutput ? "yes" : "no")
      XCTAssertTrue(line.hasSuffix(curve.summary), "summary of \(curve.name)")
    }
    // Columns line up: every summary starts at the same offset as the header's SUMMARY.
    let column = lines[0].range(of: "SUMMARY")!.lowerBound.utf16Offset(in: lines[0])
    for (line, curve) in zip(lines.dropFirst(), CurveRegistry.all) {
      XCTAssertEqual(line.count - curve.summary.count, column, curve.name)
    }
  }
}
