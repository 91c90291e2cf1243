import Color
import Imaging
import NN

#if canImport(Glibc)
  import Glibc
#endif

/// Prepares an HDR still for the reference encoder (twin of `normalise_reference` in `model.py`).
///
/// Box average by k = max(1, ⌊min(h, w)/64⌋) (rows/columns past a multiple of k dropped), bilinear
/// (align_corners False) to 64×64, scale so the geometric mean of BT.709 luminance (+1e-4) is 0.18,
/// then x = 2E − 1 of the Log-Gamma codes. Exposure of the still therefore does not matter.
public enum ReferenceEncoding {
  /// `image` [3, h, w] linear → [1, 3, 64, 64] network input.
  public static func prepare(_ image: PlanarImage, pool: TensorPool = .shared) -> Tensor {
    precondition(image.channels == 3, "the reference must be RGB")
    let side = DiffusionUNet.referenceSize
    let k = max(1, min(image.width, image.height) / side)
    let bw = image.width / k, bh = image.height / k
    let boxed = Tensor(zeros: Shape(1, 3, bh, bw))
    let inv = 1 / Float(k * k)
    for c in 0..<3 {
      let src = image.plane(c)
      let dst = boxed.data + c * bw * bh
      for y in 0..<bh {
        for x in 0..<bw {
          var acc: Float = 0
          for dy in 0..<k {
            let row = src + (y * k + dy) * image.width + x * k
            for dx in 0..<k { acc += max(row[dx], 0) }
          }
          dst[y * bw + x] = k == 1 ? acc : acc * inv
        }
      }
    }
    let x = Resize.apply(boxed, height: side, width: side, mode: .bilinear, pool: pool)
    let n = side * side
    var logSum = 0.0
    for i in 0..<n {
      let y = 0.2126 * x.data[i] + 0.7152 * x.data[n + i] + 0.0722 * x.data[2 * n + i]
      logSum += Double(logf(y + 1e-4))
    }
    let g = Float(exp(logSum / Double(n)))
    let scale = 0.18 / g
    LogGammaLanes.encode(x.data, into: x.data, count: 3 * n, scale: scale)
    for i in 0..<(3 * n) { x.data[i] = 2 * x.data[i] - 1 }
    return x
  }
}
