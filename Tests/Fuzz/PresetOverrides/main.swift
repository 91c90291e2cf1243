import FuzzSupport
import Presets

// libFuzzer target: the input is a list of `--set key=value` arguments separated by NUL bytes (as in argv,
// which cannot hold a NUL), each decoded as UTF-8, applied with `Preset.apply(overrides:)` to the default
// preset.
//
// Contracts checked: applying throws only `PresetError` and leaves the preset unchanged when it does (all or
// nothing), and a preset that takes the overrides renders (`--print-preset`) to YAML that loads back to the
// same preset.

/// Applies one input's overrides; traps on a broken contract.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPresetOverrides(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let arguments = UnsafeBufferPointer(start: data, count: size).split(separator: 0, omittingEmptySubsequences: false)
    .map { String(decoding: $0, as: UTF8.self) }
  let original = Preset(name: "fuzz")
  var preset = original
  do {
    try preset.apply(overrides: arguments)
  } catch is PresetError {
    precondition(preset == original, "a failed apply(overrides:) changed the preset")
    return 0
  } catch {
    fatalError("apply(overrides:) threw something other than PresetError: \(error)")
  }
  let rendered = preset.rendered()
  do {
    let again = try PresetLoader.load(yaml: rendered, file: "rendered.yaml", name: "fuzz")
    precondition(again == preset, "the rendered preset loads back different:\n\(rendered)")
  } catch {
    fatalError("the rendered preset does not load back (\(error)):\n\(rendered)")
  }
  return 0
}

runLibFuzzer(fuzzPresetOverrides)
