import CShim
import IO
import Imaging
import Parameters
import Pipeline
import Presets
import XCTest

@testable import Reexpose

/// The one error table (``ErrorStatus``): its codes against the README's exit codes and reexpose.h's
/// status enum (as CShim imports it), and the classification of representative errors.
final class ErrorStatusTests: XCTestCase {
  /// The exit codes the README and `reexpose --help` document for failures (0 is success).
  let documentedExitCodes: Set<Int32> = [64, 65, 66, 70, 73, 74, 78]
  /// The failure values of `enum ReexposeStatus`, straight from the header.
  let headerErrors: Set<Int32> = [
    REEXPOSE_EINVAL.rawValue, REEXPOSE_EPRESET.rawValue, REEXPOSE_EFRAME.rawValue, REEXPOSE_ESTATE.rawValue,
    REEXPOSE_EINTERNAL.rawValue, REEXPOSE_EMODEL.rawValue, REEXPOSE_ENOMEM.rawValue,
  ]

  func testEveryClassHasDistinctDocumentedCodes() {
    var seen: [String: ErrorStatus] = [:]
    for c in ErrorStatus.allCases {
      XCTAssertTrue(documentedExitCodes.contains(c.exitCode), "\(c): exit \(c.exitCode) is not documented")
      XCTAssertTrue(headerErrors.contains(c.status), "\(c): status \(c.status) is not an error of reexpose.h")
      let key = "\(c.exitCode)/\(c.status)"
      XCTAssertNil(seen[key], "\(c) and \(seen[key].map { "\($0)" } ?? "") have the same codes \(key)")
      seen[key] = c
    }
    XCTAssertEqual(Set(ErrorStatus.allCases.map(\.exitCode)), documentedExitCodes, "every documented exit code has a class")
    XCTAssertEqual(Set(ErrorStatus.allCases.map(\.status)), headerErrors, "every header error has a class")
  }

  func testCStatusesAreTheHeaderValues() {
    let expected: [(ErrorStatus, ReexposeStatus)] = [
      (.usage, REEXPOSE_EINVAL), (.badArgument, REEXPOSE_EINVAL), (.presetInvalid, REEXPOSE_EPRESET),
      (.modelUnavailable, REEXPOSE_EMODEL), (.inputUnreadable, REEXPOSE_EINVAL), (.frameRejected, REEXPOSE_EFRAME),
      (.outputNotWritable, REEXPOSE_EINTERNAL), (.ioFailed, REEXPOSE_EINTERNAL), (.outOfOrder, REEXPOSE_ESTATE),
      (.internal, REEXPOSE_EINTERNAL), (.outOfMemory, REEXPOSE_ENOMEM),
    ]
    XCTAssertEqual(expected.count, ErrorStatus.allCases.count)
    for (c, s) in expected { XCTAssertEqual(c.status, s.rawValue, "\(c)") }
  }

  func testExitCodesAreTheDocumentedSysexits() {
    let expected: [(ErrorStatus, Int32)] = [
      (.usage, 64), (.badArgument, 65), (.frameRejected, 65), (.inputUnreadable, 66), (.outOfOrder, 70),
      (.internal, 70), (.outOfMemory, 70), (.outputNotWritable, 73), (.ioFailed, 74), (.presetInvalid, 78), (.modelUnavailable, 78),
    ]
    XCTAssertEqual(expected.count, ErrorStatus.allCases.count)
    for (c, code) in expected { XCTAssertEqual(c.exitCode, code, "\(c)") }
  }

  struct Unexpected: Error, CustomStringConvertible { var description: String { "disk on fire" } }

  func testClassifiesRepresentativeErrors() {
    let here = PresetLocation.file("p.yaml", line: 3, column: 1)
    let cases: [(Error, ErrorStatus.Operation, ErrorStatus)] = [
      (PresetError.notFound(name: "x", searched: [], available: []), .create, .presetInvalid),
      (FilterError.preset(.missingVersion(here)), .create, .presetInvalid),
      (FilterError.parameter(ParameterError(key: "output.peakNits", message: "too low")), .create, .presetInvalid),
      (PipelineError.invalidParameter("masks"), .create, .presetInvalid),
      (FilterError.io(.invalidArgument("output.pixelFormat")), .create, .presetInvalid),
      (FilterError.pipeline(.modelUnavailable(file: "w.safetensors", reason: "not found")), .create, .modelUnavailable),
      (FilterError.pipeline(.geometryChanged(frameIndex: 1, expected: "32x16", got: "16x16")), .process, .frameRejected),
      (FilterError.io(.truncated(path: "-", detail: "partial frame")), .readInput, .frameRejected),
      (IOError.corrupt(path: "-", detail: "bad packet"), .process, .frameRejected),
      (IOError.noVideoStream(path: "-"), .openInput, .frameRejected),
      (FilterError.io(.unsupported("pixel format pal8")), .process, .badArgument),
      (FilterError.invalidArgument("events need a preset with fusion.enabled"), .attachEvents, .badArgument),
      (FilterError.io(.events(path: "ev.txt", line: 2, reason: "outside the sensor")), .process, .badArgument),
      (IOError.events(path: "ev.txt", line: 0, reason: "no such file"), .attachEvents, .inputUnreadable),
      (IOError.libav(operation: "open input", target: "x", code: -2, message: "ENOENT"), .openInput, .inputUnreadable),
      (IOError.libav(operation: "open input", target: "-", code: -9, message: "EBADF"), .openInput, .inputUnreadable),
      (IOError.libav(operation: "open input", target: "d", code: -21, message: "EISDIR"), .openInput, .inputUnreadable),
      (IOError.libav(operation: "open input", target: "x", code: -1094995529, message: "invalid data"), .openInput, .frameRejected),
      (IOError.libav(operation: "read frame", target: "x", code: -5, message: "EIO"), .readInput, .ioFailed),
      (FilterError.io(.libav(operation: "open", target: "s.exr", code: -2, message: "ENOENT")), .setReference, .inputUnreadable),
      (FilterError.io(.corrupt(path: "s.exr", detail: "no image")), .setReference, .badArgument),
      (FilterError.pipeline(.invalidParameter("needs diffusion")), .setReference, .badArgument),
      (IOError.libav(operation: "open output", target: "/x", code: -13, message: "EACCES"), .openOutput, .outputNotWritable),
      (FilterError.state("frame sent after the filter was drained"), .process, .outOfOrder),
      (FilterError.internal("disk on fire"), .process, .internal),
      (Unexpected(), .process, .internal),
      (Unexpected(), .create, .internal),
    ]
    for (error, operation, expected) in cases {
      XCTAssertEqual(ErrorStatus.classify(error, during: operation), expected, "\(error) during \(operation)")
    }
  }

  func testUnknownErrorsWrapAsInternalWithTheirMessage() {
    let wrapped = FilterError.wrap(Unexpected())
    guard case let .internal(message) = wrapped else { return XCTFail("\(wrapped)") }
    XCTAssertEqual(message, "disk on fire")
    XCTAssertEqual("\(wrapped)", "disk on fire")
    XCTAssertEqual(ErrorStatus.classify(wrapped), .internal)
    XCTAssertEqual(ErrorStatus.classify(wrapped).status, REEXPOSE_EINTERNAL.rawValue)
  }

  func testRealFilterErrorsClassify() throws {
    XCTAssertThrowsError(try ReexposeFilter(preset: "no-such-preset")) { error in
      XCTAssertEqual(ErrorStatus.classify(error, during: .create), .presetInvalid)
    }
    XCTAssertThrowsError(try ReexposeFilter(preset: "balanced", overrides: ["fusion.model=/nonexistent/w.safetensors"])) { error in
      XCTAssertEqual(ErrorStatus.classify(error, during: .create).status, REEXPOSE_EMODEL.rawValue)
    }
    let filter = try ReexposeFilter(preset: "fast")
    XCTAssertThrowsError(try filter.attachEvents(EventFile(path: "/nonexistent/ev.txt"), timeBase: (1, 25))) { error in
      XCTAssertEqual(ErrorStatus.classify(error, during: .attachEvents), .inputUnreadable)
    }
    XCTAssertThrowsError(try filter.setReference(path: "/nonexistent/still.exr")) { error in
      XCTAssertEqual(ErrorStatus.classify(error, during: .setReference).exitCode, 66)
    }
    try filter.send(nil)
    XCTAssertThrowsError(try filter.send(linear: PlanarImage(width: 4, height: 4), signal: nil, pts: 0)) { error in
      XCTAssertEqual(ErrorStatus.classify(error), .outOfOrder)
      XCTAssertEqual(ErrorStatus.classify(error).status, REEXPOSE_ESTATE.rawValue)
    }
  }
}
