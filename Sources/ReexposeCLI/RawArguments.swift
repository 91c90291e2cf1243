import CShim

/// `--size WIDTHxHEIGHT`.
struct RawSize {
  let width: Int
  let height: Int

  init?(_ text: String) {
    let parts = text.lowercased().split(separator: "x")
    guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w > 0, h > 0 else { return nil }
    width = w
    height = h
  }
}

/// `--rate 25` or `--rate 30000/1001`.
struct RawRate {
  let rational: AVRational

  init?(_ text: String) {
    let parts = text.split(separator: "/")
    if parts.count == 1, let n = Int32(parts[0]), n > 0 {
      rational = AVRational(num: n, den: 1)
    } else if parts.count == 2, let n = Int32(parts[0]), let d = Int32(parts[1]), n > 0, d > 0 {
      rational = AVRational(num: n, den: d)
    } else {
      return nil
    }
  }
}
