import NN

/// Swift twin of `Training/nn/reference_modules.py` `SmallUNet` (same parameter names).
struct SmallUNet: WeightLoadable {
  var convIn = Conv2d(3, 8, kernel: 3, padding: 1)
  var gn1 = GroupNorm(groups: 2, channels: 8)
  var convD1 = Conv2d(8, 16, kernel: 3, padding: 1)
  var gn2 = GroupNorm(groups: 4, channels: 16)
  var convD2 = Conv2d(16, 16, kernel: 3, padding: 1)
  var temb = Linear(16, 16)
  var dw = Conv2d(16, 16, kernel: 3, padding: 1, groups: 16)
  var se = SqueezeExcitation(channels: 16, reduction: 4)
  var convU1 = Conv2d(32, 16, kernel: 3, padding: 1)
  var up2 = ConvTranspose2d(16, 8, kernel: 2, stride: 2)
  var convU2 = Conv2d(16, 8, kernel: 3, padding: 1)
  var convOut = Conv2d(8, 3, kernel: 1)

  mutating func load(from w: SafeTensors, prefix p: String) throws {
    try convIn.load(from: w, prefix: p + ".conv_in")
    try gn1.load(from: w, prefix: p + ".gn1")
    try convD1.load(from: w, prefix: p + ".conv_d1")
    try gn2.load(from: w, prefix: p + ".gn2")
    try convD2.load(from: w, prefix: p + ".conv_d2")
    try temb.load(from: w, prefix: p + ".temb")
    try dw.load(from: w, prefix: p + ".dw")
    try se.load(from: w, prefix: p + ".se")
    try convU1.load(from: w, prefix: p + ".conv_u1")
    try up2.load(from: w, prefix: p + ".up2")
    try convU2.load(from: w, prefix: p + ".conv_u2")
    try convOut.load(from: w, prefix: p + ".conv_out")
  }

  /// x [1, 3, H, W] (H, W divisible by 4), timestep t → [1, 3, H, W].
  func callAsFunction(_ x: Tensor, t: Float, pool: TensorPool) -> Tensor {
    let e1 = gn1(convIn(x, pool: pool), pool: pool)
    Activation.silu.apply(e1)
    let e2 = gn2(convD1(Pooling.max(e1, kernel: 2, pool: pool), pool: pool), pool: pool)
    Activation.silu.apply(e2)
    let te = temb(TimestepEmbedding.apply([t], dim: 16, pool: pool), pool: pool)
    Activation.silu.apply(te)
    let b0 = convD2(Pooling.average(e2, kernel: 2, pool: pool), pool: pool)
    Elementwise.addInPlace(b0, te)
    Activation.relu.apply(b0)
    let b = se(dw(b0, pool: pool), pool: pool)
    let u1r = Resize.apply(b, height: e2.shape.h, width: e2.shape.w, mode: .bilinear, pool: pool)
    let u1 = convU1(Tensor.concat([u1r, e2], pool: pool), pool: pool)
    Activation.leakyReLU(slope: 0.1).apply(u1)
    let u2 = up2(u1, pool: pool)
    let u2c = convU2(Tensor.concat([u2, e1], pool: pool), pool: pool)
    Activation.gelu.apply(u2c)
    return convOut(u2c, pool: pool)
  }
}
