import Parameters
import XCTest

/// A declared set with one knob of each kind, as a stage's params would be.
private struct Knobs: ParameterSet {
  enum Mode: String, CaseIterable, Sendable { case soft, hard }
  var on = true
  var radiusPixels = 2
  var gain: Float = 0.5
  var curve = "pq"
  var mode = Mode.soft
  var model = "weights.safetensors"

  static let parameters: [Parameter<Self>] = [
    .bool("on", \.on, doc: "Runs."),
    .int("radiusPixels", \.radiusPixels, 0...8, unit: "pixels", doc: "Radius."),
    .float("gain", \.gain, 0...1, doc: "Gain."),
    .choice("curve", \.curve, names: ["pq", "hlg"], doc: "Curve."),
    .choice("mode", \.mode, doc: "Mode."),
    .text("model", \.model, doc: "Weights."),
  ]

  func checkRelations() throws {
    if !on && gain > 0.9 { throw ParameterError(key: "gain", message: "must be at most 0.9 when off") }
  }
}

private struct Outer: Equatable {
  var knobs = Knobs()
}

final class ParameterSetTests: XCTestCase {
  func testDefaultsValidate() throws {
    try Knobs().validate()
  }

  func testRangeViolationNamesKeyAndRange() {
    var k = Knobs()
    k.radiusPixels = 9
    XCTAssertThrowsError(try k.validate()) { error in
      XCTAssertEqual(error as? ParameterError, ParameterError(key: "radiusPixels", message: "must be in 0...8, got 9"))
    }
    k = Knobs()
    k.gain = .nan
    XCTAssertThrowsError(try k.validate()) { XCTAssertEqual(($0 as? ParameterError)?.key, "gain") }
  }

  func testChoiceViolationAndRelation() {
    var k = Knobs()
    k.curve = "slog3"
    XCTAssertThrowsError(try k.validate()) { error in
      XCTAssertEqual((error as? ParameterError)?.message, "must be one of pq, hlg, got 'slog3'")
    }
    k = Knobs()
    k.on = false
    k.gain = 0.95
    XCTAssertThrowsError(try k.validate()) { XCTAssertEqual(($0 as? ParameterError)?.key, "gain") }
  }

  func testValuesReadAndWriteThroughDeclarations() {
    var k = Knobs()
    XCTAssertEqual(Knobs.parameter("radiusPixels")?.value(in: k), .int(2))
    XCTAssertTrue(Knobs.parameter("mode")!.set(.text("hard"), in: &k))
    XCTAssertEqual(k.mode, .hard)
    XCTAssertFalse(Knobs.parameter("mode")!.set(.text("medium"), in: &k), "not a raw value")
    XCTAssertFalse(Knobs.parameter("on")!.set(.int(1), in: &k), "wrong type")
    XCTAssertTrue(Knobs.parameter("gain")!.set(.int(1), in: &k), "an integer is a valid float")
    XCTAssertEqual(k.gain, 1)
  }

  func testLiftedPrefixesKeyAndReachesField() {
    let lifted = Knobs.parameter("gain")!.lifted(through: \Outer.knobs, section: "knobs")
    XCTAssertEqual(lifted.key, "knobs.gain")
    var outer = Outer()
    lifted.set(.float(0.25), in: &outer)
    XCTAssertEqual(outer.knobs.gain, 0.25)
    XCTAssertEqual(lifted.kind, .float(0...1))
  }

  func testEveryStoredPropertyDeclaredOnce() {
    let stored = Mirror(reflecting: Knobs()).children.compactMap(\.label)
    XCTAssertEqual(stored, Knobs.parameters.map(\.key))
  }
}
