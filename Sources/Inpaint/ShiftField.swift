/// A camera's shift between two frames, one per tile of a grid and read bilinearly between the tile centres, so
/// a wide-angle pan (faster at the frame's edges than at its centre), a zoom or a roll is followed where one
/// shift for the whole frame is not. Content at p now was at p − shift(p) before.
public struct ShiftField: Equatable, Sendable {
  public let columns: Int
  public let rows: Int
  /// Size of the frame the tiles divide, in the field's pixels.
  public let width: Float
  public let height: Float
  /// Shift per tile, row-major, in the field's pixels.
  public private(set) var dx: [Float]
  public private(set) var dy: [Float]

  /// A field of `columns` × `rows` tiles over a `width` × `height` frame; `dx` and `dy` row-major.
  public init(columns: Int, rows: Int, width: Float, height: Float, dx: [Float], dy: [Float]) {
    precondition(columns > 0 && rows > 0 && dx.count == columns * rows && dy.count == dx.count, "field shape")
    self.columns = columns
    self.rows = rows
    self.width = width
    self.height = height
    self.dx = dx
    self.dy = dy
  }

  /// One shift for the whole frame.
  public init(width: Float, height: Float, dx: Float, dy: Float) {
    self.init(columns: 1, rows: 1, width: width, height: height, dx: [dx], dy: [dy])
  }

  /// The shift at continuous position (x, y) (a pixel's centre is its index + 0.5): bilinear between the tile
  /// centres and extended linearly beyond the outer ones, so a zoom's or a roll's field, linear in position,
  /// is kept to the frame's edges.
  @inline(__always)
  public func shift(x: Float, y: Float) -> (dx: Float, dy: Float) {
    let fx = x * Float(columns) / width - 0.5
    let fy = y * Float(rows) / height - 0.5
    // The cell whose corners are used: the nearest inside, so outer positions extrapolate from the outer cell.
    let x0 = columns < 2 ? 0 : min(max(Int(fx.rounded(.down)), 0), columns - 2)
    let y0 = rows < 2 ? 0 : min(max(Int(fy.rounded(.down)), 0), rows - 2)
    let x1 = min(x0 + 1, columns - 1)
    let y1 = min(y0 + 1, rows - 1)
    let tx = fx - Float(x0)
    let ty = fy - Float(y0)
    func lerp(_ v: [Float]) -> Float {
      let top = v[y0 * columns + x0] + tx * (v[y0 * columns + x1] - v[y0 * columns + x0])
      let bottom = v[y1 * columns + x0] + tx * (v[y1 * columns + x1] - v[y1 * columns + x0])
      return top + ty * (bottom - top)
    }
    return (lerp(dx), lerp(dy))
  }

  /// The same field in pixels `factor` times smaller (a half-resolution field scaled by 2 is in full-resolution
  /// pixels).
  public func scaled(_ factor: Float) -> ShiftField {
    ShiftField(
      columns: columns, rows: rows, width: width * factor, height: height * factor,
      dx: dx.map { $0 * factor }, dy: dy.map { $0 * factor })
  }

  /// The field from the later frame back to the earlier one (for a smooth field, −shift where the content is).
  public var inverted: ShiftField {
    ShiftField(
      columns: columns, rows: rows, width: width, height: height, dx: dx.map { -$0 }, dy: dy.map { -$0 })
  }

  /// The mean shift over the tiles.
  public var mean: (dx: Float, dy: Float) {
    (dx.reduce(0, +) / Float(dx.count), dy.reduce(0, +) / Float(dy.count))
  }
}
