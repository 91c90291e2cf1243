import FuzzSupport
import Presets

// libFuzzer target: the input, decoded as UTF-8 (invalid bytes replaced, as a lenient reader would), is the
// text of a preset file, loaded with `PresetLoader.load(yaml:file:name:)`.
//
// Contracts checked: loading throws only `PresetError` (ASan and Swift's runtime checks catch the rest), and
// a preset that loads renders (`--print-preset`) to YAML that loads back to the same preset.

/// Loads one input; traps on a broken contract.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPresetLoader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let preset: Preset
  do {
    preset = try PresetLoader.load(yaml: text, file: "fuzz.yaml", name: "fuzz")
  } catch is PresetError {
    return 0
  } catch {
    fatalError("PresetLoader threw something other than PresetError: \(error)")
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

runLibFuzzer(fuzzPresetLoader)
