import Imaging
import NN

#if canImport(Glibc)
  import Glibc
#endif

/// Builds the network's inputs: the 5-channel image encoding and the normalised event voxel grid.
///
/// Matches `encode_frame` and `normalise_events` in `Training/rehdr/model.py`. For a linear frame x
/// (BT.709 primaries, 1.0 = SDR white) clamped to [0, 1]:
/// - channels 0–2: log encoding e = log2(x + 2⁻¹²)/12 + 1 (0 → 0, 1 → ≈1),
/// - channel 3: over-exposure mask clamp((maxᶜ x − 0.8)/0.2, 0, 1),
/// - channel 4: under-exposure mask clamp(1 − maxᶜ x/0.01, 0, 1).
public enum REHDRInput {
  /// Channels of the image input.
  public static let imageChannels = 5
  /// Time bins of the event voxel grid.
  public static let eventBins = 5
  /// Floor added before the logarithm (2⁻¹²).
  public static let logFloor: Float = 1.0 / 4096

  /// Encodes a linear frame [1, 3, h, w] (NCHW) into the image input [1, 5, h, w].
  public static func encode(_ linear: Tensor, pool: TensorPool = .shared) -> Tensor {
    let s = linear.shape
    precondition(s.n == 1 && s.c == 3, "REHDRInput.encode expects [1, 3, h, w], got \(s)")
    let out = pool.tensor(Shape(1, imageChannels, s.h, s.w))
    encode(
      r: UnsafePointer(linear.data), g: UnsafePointer(linear.data + s.plane),
      b: UnsafePointer(linear.data + 2 * s.plane), count: s.plane, into: out)
    return out
  }

  /// Encodes a linear image [3, h, w] into the image input [1, 5, h, w].
  public static func encode(_ linear: PlanarImage, pool: TensorPool = .shared) -> Tensor {
    precondition(linear.channels == 3, "REHDRInput.encode expects 3 planes, got \(linear.channels)")
    let out = pool.tensor(Shape(1, imageChannels, linear.height, linear.width))
    encode(
      r: UnsafePointer(linear.plane(0)), g: UnsafePointer(linear.plane(1)), b: UnsafePointer(linear.plane(2)),
      count: linear.planeSize, into: out)
    return out
  }

  /// Returns `events` [1, 5, h, w] divided by its max |value| (a copy; all-zero grids stay zero).
  public static func normaliseEvents(_ events: Tensor, pool: TensorPool = .shared) -> Tensor {
    let out = events.copy(pool: pool)
    var peak: Float = 0
    for i in 0..<out.count { peak = max(peak, abs(out.data[i])) }
    let denominator = max(peak, 1e-6)
    for i in 0..<out.count { out.data[i] /= denominator }
    return out
  }

  // MARK: - Private

  private static func encode(
    r: UnsafePointer<Float>, g: UnsafePointer<Float>, b: UnsafePointer<Float>, count n: Int, into out: Tensor
  ) {
    let o = out.data
    Parallel.forRanges(n, minChunk: 4096) { s, e in
      for i in s..<e {
        let x0 = min(max(r[i], 0), 1), x1 = min(max(g[i], 0), 1), x2 = min(max(b[i], 0), 1)
        o[i] = log2f(x0 + logFloor) / 12 + 1
        o[n + i] = log2f(x1 + logFloor) / 12 + 1
        o[2 * n + i] = log2f(x2 + logFloor) / 12 + 1
        let peak = max(x0, max(x1, x2))
        o[3 * n + i] = min(max((peak - 0.8) / 0.2, 0), 1)
        o[4 * n + i] = min(max(1 - peak / 0.01, 0), 1)
      }
    }
  }
}
