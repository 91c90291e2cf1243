import NN

/// Swift twin of `Training/nn/reference_modules.py` `EncoderDecoder` (same parameter names).
struct EncoderDecoder: WeightLoadable {
  var head = Conv2d(3, 8, kernel: 3, padding: 1, bias: false)
  var enc1 = Conv2d(8, 16, kernel: 3, stride: 2, padding: 1)
  var lstm = ConvLSTMCell(inputChannels: 16, hiddenChannels: 16)
  var enc2 = Conv2d(16, 32, kernel: 3, stride: 2, padding: 1)
  var branchA = Conv2d(32, 32, kernel: 3, padding: 2, dilation: 2)
  var branchB = Conv2d(32, 32, kernel: 1)
  var mask = Conv2d(3, 32, kernel: 1)
  var select = Linear(32, 64)
  var se = SqueezeExcitation(channels: 32, reduction: 8)
  var dec2 = ConvTranspose2d(32, 16, kernel: 4, stride: 2, padding: 1)
  var dec1 = ConvTranspose2d(16, 8, kernel: 3, stride: 2, padding: 1, outputPadding: 1)
  var tail = Conv2d(8, 3, kernel: 3, padding: 1)

  mutating func load(from w: SafeTensors, prefix p: String) throws {
    try head.load(from: w, prefix: p + ".head")
    var bn = BatchNorm2d(channels: 8)
    try bn.load(from: w, prefix: p + ".head_bn")
    head.fold(bn)
    try enc1.load(from: w, prefix: p + ".enc1")
    try lstm.load(from: w, prefix: p + ".lstm")
    try enc2.load(from: w, prefix: p + ".enc2")
    try branchA.load(from: w, prefix: p + ".branch_a")
    try branchB.load(from: w, prefix: p + ".branch_b")
    try mask.load(from: w, prefix: p + ".mask")
    try select.load(from: w, prefix: p + ".select")
    try se.load(from: w, prefix: p + ".se")
    try dec2.load(from: w, prefix: p + ".dec2")
    try dec1.load(from: w, prefix: p + ".dec1")
    try tail.load(from: w, prefix: p + ".tail")
  }

  /// x [1, 3, H, W] (H, W divisible by 4) → [1, 3, H, W] in (0, 1); ConvLSTM starts from zero state.
  func callAsFunction(_ x: Tensor, pool: TensorPool) -> Tensor {
    let f0 = head(x, pool: pool)
    Activation.relu.apply(f0)
    let f1 = enc1(f0, pool: pool)
    Activation.relu.apply(f1)
    let state = lstm.makeState(height: f1.shape.h, width: f1.shape.w)
    let h1 = lstm.step(f1, state: state, pool: pool).copy(pool: pool)
    let f2 = enc2(h1, pool: pool)
    Activation.relu.apply(f2)
    let ldr = Resize.apply(x, height: f2.shape.h, width: f2.shape.w, mode: .nearest, pool: pool)
    let m = mask(ldr, pool: pool)
    Activation.sigmoid.apply(m)
    let a = branchA(f2, pool: pool)
    Elementwise.mulInPlace(a, m)
    let b = branchB(f2, pool: pool)
    let z = select(Pooling.globalAverage(Elementwise.add(a, b, pool: pool), pool: pool), pool: pool)
    let w = BranchSoftmax.apply([z.channels(0..<32), z.channels(32..<64)], pool: pool)
    let fusedRaw = Elementwise.mul(a, w[0], pool: pool)
    Elementwise.addInPlace(fusedRaw, Elementwise.mul(b, w[1], pool: pool))
    let fused = se(fusedRaw, pool: pool)
    let d2 = dec2(fused, pool: pool)
    Elementwise.addInPlace(d2, h1)
    Activation.relu.apply(d2)
    let d1 = dec1(d2, pool: pool)
    Elementwise.addInPlace(d1, f0)
    Activation.relu.apply(d1)
    let out = tail(d1, pool: pool)
    Activation.sigmoid.apply(out)
    return out
  }
}
