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

  /// `text` as a YAML double-quoted scalar that libyaml reads back as `text`.
  ///
  /// Besides `"`, `\\`, newline and tab, every character outside YAML's printable set is escaped (C0 and C1
  /// controls, DEL, U+FFFE/FFFF), which libyaml refuses raw ("control characters are not allowed"), and so is NEL
  /// (U+0085), which it folds to a space inside quotes. LS, PS (U+2028/2029, line breaks to YAML 1.1) and the
  /// byte-order mark survive libyaml raw but are escaped too: editors and other YAML readers treat them specially.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case _ where needsEscape(scalar):
        let hex = String(scalar.value, radix: 16)
        let width = scalar.value < 0x100 ? 2 : 4  // non-BMP characters are all printable
        out += (width == 2 ? "\\x" : "\\u") + String(repeating: "0", count: width - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// Whether `scalar` must be escaped inside double quotes (see ``quoted(_:)``).
  private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x85, 0x2028, 0x2029, 0xFEFF: return true
    case 0x20...0x7E, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return false
    default: return true
    }
  }
}
