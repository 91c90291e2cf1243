// MARK: - `--list-curves` text

extension CurveRegistry {
  /// Text for `--list-curves`: a header, then one line per curve in registry order with its name,
  /// linear domain, whether it may be an output signal, and summary; columns padded to the longest entry.
  public static func listing() -> String {
    let rows = all.map { ($0.name, $0.domain.rawValue, $0.isOutput ? "yes" : "no", $0.summary) }
    let header = ("NAME", "DOMAIN", "OUTPUT", "SUMMARY")
    let nameWidth = (rows.map(\.0.count) + [header.0.count]).max()!
    let domainWidth = (rows.map(\.1.count) + [header.1.count]).max()!
    let outputWidth = header.2.count
    func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: w - s.count) }
    func line(_ r: (String, String, String, String)) -> String {
      pad(r.0, nameWidth) + "  " + pad(r.1, domainWidth) + "  " + pad(r.2, outputWidth) + "  " + r.3
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
  }
}
