import Pipeline

/// Rendering params back to preset YAML.
extension PresetLoader {
  /// The effective configuration as a preset file listing every schema key (`--print-preset`).
  ///
  /// Each key is preceded by its doc as a comment. The output loads back through ``load(yaml:file:name:)``
  /// to the same `params` and description (floats are written in Swift's shortest round-trip form).
  public static func render(_ params: PipelineParams, name: String, description: String = "") -> String {
    var lines = [
      "# reexpose preset '\(name)': effective configuration, every key listed.",
      "# Keys, units and ranges: Sources/Presets/README.md. Load it back with --preset FILE.",
      "version: \(PipelineParams.version)",
      "description: \(quoted(description))",
    ]
    for section in PresetSchema.sections {
      lines.append("")
      lines.append("\(section):")
      for key in PresetSchema.keys(in: section) {
        lines += wrapped(key.summary, width: 100 - 4).map { "  # " + $0 }
        lines.append("  \(key.field): \(key.value(in: params))")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `text` split at spaces into lines of at most `width` characters (a longer word gets its own line).
  static func wrapped(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
      if !line.isEmpty && line.count + 1 + word.count > width {
        lines.append(line)
        line = ""
      }
      line += (line.isEmpty ? "" : " ") + word
    }
    return line.isEmpty ? lines : lines + [line]
  }

  /// `text` as a YAML double-quoted scalar.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F:
        let hex = String(scalar.value, radix: 16)
        out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
