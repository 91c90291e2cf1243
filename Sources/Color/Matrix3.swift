/// A row-major 3×3 matrix acting on column RGB/XYZ vectors.
public struct Matrix3: Equatable, Sendable {
  /// Rows r0, r1, r2; each row is (m[i][0], m[i][1], m[i][2]).
  public var m: [Double]

  public init(_ rows: [[Double]]) {
    precondition(rows.count == 3 && rows.allSatisfy { $0.count == 3 })
    m = rows.flatMap { $0 }
  }

  init(flat: [Double]) { m = flat }

  public static let identity = Matrix3([[1, 0, 0], [0, 1, 0], [0, 0, 1]])

  @inlinable public subscript(r: Int, c: Int) -> Double { m[r * 3 + c] }

  /// self · v.
  public func apply(_ v: (Double, Double, Double)) -> (Double, Double, Double) {
    (m[0] * v.0 + m[1] * v.1 + m[2] * v.2,
     m[3] * v.0 + m[4] * v.1 + m[5] * v.2,
     m[6] * v.0 + m[7] * v.1 + m[8] * v.2)
  }

  /// self · other.
  public static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
    var out = [Double](repeating: 0, count: 9)
    for r in 0..<3 { for c in 0..<3 { for k in 0..<3 { out[r * 3 + c] += a[r, k] * b[k, c] } } }
    return Matrix3(flat: out)
  }

  /// The inverse (the matrices used here are well conditioned).
  public var inverse: Matrix3 {
    let a = m
    let c00 = a[4] * a[8] - a[5] * a[7], c01 = a[5] * a[6] - a[3] * a[8], c02 = a[3] * a[7] - a[4] * a[6]
    let det = a[0] * c00 + a[1] * c01 + a[2] * c02
    let inv: [Double] = [
      c00, a[2] * a[7] - a[1] * a[8], a[1] * a[5] - a[2] * a[4],
      c01, a[0] * a[8] - a[2] * a[6], a[2] * a[3] - a[0] * a[5],
      c02, a[1] * a[6] - a[0] * a[7], a[0] * a[4] - a[1] * a[3],
    ]
    return Matrix3(flat: inv.map { $0 / det })
  }

  /// Single-precision copy of the nine coefficients, row-major.
  public var floats: [Float] { m.map { Float($0) } }
}
