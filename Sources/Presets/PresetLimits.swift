/// Limits checked on preset text before it reaches the YAML parser, whose node building recurses once per
/// nesting level: a few thousand levels (`[[[[…]]]]` on one line) overflow the main thread's stack, a
/// hundred a 256 KB thread stack. Presets nest 2–3 levels, so the limits leave plenty of room, and with
/// them any thread stack of 128 KB or more is enough to load any text.
public enum PresetLimits {
  /// Deepest nesting accepted: open flow collections (`[`, `{`) plus block levels (indentation steps and
  /// `- `/`? ` indicators), counted together.
  public static let maxDepth = 32
  /// Largest preset file or text accepted, in bytes (1 MiB).
  public static let maxBytes = 1 << 20

  /// Where the text first nests deeper than ``maxDepth`` (1-based line and column in bytes), nil when it
  /// does not.
  ///
  /// A cheap scan that errs toward over-counting: brackets in comments and quoted scalars are skipped,
  /// but a quote or comment is only recognised where YAML starts one (a quote at the start of a token,
  /// `#` after whitespace); anywhere else the characters count as if they could nest. A quote still open
  /// at the end means one was taken for a quote that is not: the text is scanned again with every quote
  /// character counted as plain text.
  public static func tooDeep(_ text: String) -> (line: Int, column: Int)? {
    let first = scan(text, quotes: true)
    if let at = first.tooDeep { return at }
    return first.unclosedQuote ? scan(text, quotes: false).tooDeep : nil
  }

  private static func scan(_ text: String, quotes: Bool) -> (tooDeep: (line: Int, column: Int)?, unclosedQuote: Bool) {
    var flow = 0
    var indents: [Int] = []  // block indentation stack
    var line = 1, column = 0
    var quote: UInt8? = nil
    var atLineStart = true, indent = 0, lineIndicators = 0
    var previous: UInt8 = 10  // as if after a newline
    var lastToken: UInt8 = 10  // the last non-space byte of the line, 10 at its start
    var bytes = text.utf8.makeIterator()
    var pending: UInt8? = nil
    func depth() -> Int { flow + indents.count + lineIndicators }
    while let c = pending ?? bytes.next() {
      pending = nil
      column += 1
      if c == 10 {  // newline
        line += 1
        column = 0
        atLineStart = true
        indent = 0
        lineIndicators = 0
        previous = 10
        lastToken = 10
        continue
      }
      if let q = quote {
        if q == UInt8(ascii: "\"") && c == UInt8(ascii: "\\") {
          if let next = bytes.next(), next != 10 { column += 1 } else { pending = 10 }
        } else if c == q {
          if q == UInt8(ascii: "'"), let next = bytes.next() {
            if next == q { column += 1 } else { quote = nil; pending = next }  // '' is an escaped quote
          } else {
            quote = nil
          }
        }
        previous = c
        lastToken = c
        if c != 32 && c != 9 && c != 13 { atLineStart = false }
        continue
      }
      let isSpace = c == 32 || c == 9 || c == 13
      if atLineStart {
        if c == 32 { indent += 1; previous = c; continue }
        if c == 9 || c == 13 { previous = c; continue }
        if c == UInt8(ascii: "#") { skipLine(&bytes, &pending); continue }
        atLineStart = false
        if flow == 0 {
          // A block line: its indentation closes deeper levels and opens one of its own.
          while let last = indents.last, last >= indent { indents.removeLast() }
          indents.append(indent)
        }
      }
      // A quoted scalar starts a token: at the start of a line, after `: `/`- `/`? ` or, in a flow
      // collection, after `[`, `{` or `,` (spaces between allowed).
      let tokenStart = lastToken == 10 || (flow > 0 && (lastToken == UInt8(ascii: "[")
        || lastToken == UInt8(ascii: "{") || lastToken == UInt8(ascii: ",")))
        || (isSpaceOrBreak(previous) && (lastToken == UInt8(ascii: ":") || lastToken == UInt8(ascii: "-")
          || lastToken == UInt8(ascii: "?")))
      switch c {
      case UInt8(ascii: "#") where isSpaceOrBreak(previous):
        skipLine(&bytes, &pending)
        continue
      case UInt8(ascii: "'"), UInt8(ascii: "\""):
        if quotes && tokenStart { quote = c }
      case UInt8(ascii: "["), UInt8(ascii: "{"):
        flow += 1
      case UInt8(ascii: "]"), UInt8(ascii: "}"):
        if flow > 0 { flow -= 1 }
      case UInt8(ascii: "-"), UInt8(ascii: "?"):
        // `- - - x` nests block sequences on one line.
        if flow == 0 && isSpaceOrBreak(previous) { lineIndicators += 1 }
      default:
        break
      }
      if depth() > maxDepth { return ((line, column), false) }
      previous = isSpace ? 32 : c
      if !isSpace { lastToken = c }
    }
    return (nil, quote != nil)
  }

  private static func isSpaceOrBreak(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }

  private static func skipLine(_ bytes: inout String.UTF8View.Iterator, _ pending: inout UInt8?) {
    while let c = bytes.next() {
      if c == 10 { pending = 10; return }
    }
  }
}
