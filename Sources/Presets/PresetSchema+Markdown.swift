import Pipeline

/// The README's key table, generated from the schema.
extension PresetSchema {
  /// Marker lines around the generated table in `Sources/Presets/README.md`.
  public static let markdownMarkers = (begin: "<!-- schema:begin -->", end: "<!-- schema:end -->")

  /// A Markdown table of every key: type, range, default (from `PipelineParams()`), meaning.
  public static func markdown() -> String {
    let defaults = PipelineParams()
    var lines = ["| Key | Type | Range | Default | Meaning |", "|---|---|---|---|---|"]
    for key in keys {
      let type: String
      switch key.kind {
      case .choice(let names): type = names.map { "`\($0)`" }.joined(separator: " ")
      default: type = key.kind.name
      }
      let range = key.parameter.kind.rangeText ?? ""
      let cells = ["`\(key.path)`", type, range, "`\(key.value(in: defaults))`", key.meaning]
      lines.append("| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
