/// A 4-D tensor shape, NCHW: batch, channels, height, width.
///
/// Weights of other ranks are right-aligned into four dimensions (a bias `[C]` is `[1,1,1,C]`,
/// a linear weight `[out,in]` is `[1,1,out,in]`, a conv weight `[Cout,Cin/g,kh,kw]` keeps its order).
public struct Shape: Equatable, Hashable, Sendable, CustomStringConvertible {
  /// Batch size.
  public var n: Int
  /// Channels.
  public var c: Int
  /// Height (rows).
  public var h: Int
  /// Width (columns).
  public var w: Int

  /// Creates an NCHW shape.
  public init(_ n: Int, _ c: Int, _ h: Int, _ w: Int) {
    precondition(n >= 0 && c >= 0 && h >= 0 && w >= 0, "negative dimension")
    self.n = n
    self.c = c
    self.h = h
    self.w = w
  }

  /// Right-aligns up to four dims into NCHW (missing leading dims are 1).
  public init(dims: [Int]) {
    precondition(dims.count <= 4, "at most 4 dims")
    let d = Array(repeating: 1, count: 4 - dims.count) + dims
    self.init(d[0], d[1], d[2], d[3])
  }

  /// Total number of elements.
  public var count: Int { n * c * h * w }
  /// Elements in one channel plane (h·w).
  public var plane: Int { h * w }
  /// Elements in one batch item (c·h·w).
  public var item: Int { c * h * w }
  /// The dims as an array `[n, c, h, w]`.
  public var dims: [Int] { [n, c, h, w] }

  /// Text like `[1, 3, 8, 8]`.
  public var description: String { "[\(n), \(c), \(h), \(w)]" }
}
