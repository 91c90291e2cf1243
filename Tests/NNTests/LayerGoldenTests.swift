import NN
import XCTest

/// Every layer type against PyTorch fixtures: max|a − b| ≤ 1e-4·max(1, max|ref|).
final class LayerGoldenTests: XCTestCase {
  private func checkConv(_ name: String, _ conv: Conv2d) throws {
    let f = try Fixtures.open(name)
    var c = conv
    try c.load(from: f, prefix: "m")
    assertClose(c(try f.tensor("input")), try f.tensor("output"), name)
  }

  func testConv2dVariants() throws {
    try checkConv("conv_basic", Conv2d(3, 5, kernel: 3, padding: 1))
    try checkConv(
      "conv_general",
      Conv2d(inChannels: 4, outChannels: 6, kernel: (3, 5), stride: (2, 1), padding: (1, 2), dilation: (2, 1), groups: 2))
    try checkConv("conv_pointwise", Conv2d(6, 7, kernel: 1, bias: false))
    try checkConv("conv_pointwise_groups", Conv2d(6, 4, kernel: 1, groups: 2))
    try checkConv("conv_depthwise", Conv2d(8, 8, kernel: 3, padding: 1, groups: 8))
    try checkConv("conv_depthwise_strided", Conv2d(8, 8, kernel: 5, stride: 2, padding: 4, dilation: 2, groups: 8))
  }

  func testBatchNormFoldedIntoConv() throws {
    let f = try Fixtures.open("conv_bn")
    var conv = Conv2d(3, 6, kernel: 3, padding: 1, bias: false)
    try conv.load(from: f, prefix: "m.0")
    var bn = BatchNorm2d(channels: 6)
    try bn.load(from: f, prefix: "m.1")
    conv.fold(bn)
    assertClose(conv(try f.tensor("input")), try f.tensor("output"), "conv+bn")
  }

  func testConvTranspose() throws {
    for (name, layer) in [
      ("conv_transpose", ConvTranspose2d(6, 4, kernel: 4, stride: 2, padding: 1)),
      ("conv_transpose_groups", ConvTranspose2d(4, 6, kernel: 3, stride: 2, padding: 1, outputPadding: 1, groups: 2)),
    ] {
      let f = try Fixtures.open(name)
      var l = layer
      try l.load(from: f, prefix: "m")
      assertClose(l(try f.tensor("input")), try f.tensor("output"), name)
    }
  }

  func testLinear() throws {
    let f = try Fixtures.open("linear")
    var l = Linear(10, 7)
    try l.load(from: f, prefix: "m")
    assertClose(l(try f.tensor("input").reshaped(Shape(3, 10, 1, 1))), try f.tensor("output"), "linear")
  }

  func testResize() throws {
    let f = try Fixtures.open("resize")
    let x = try f.tensor("input")
    for (key, h, w, mode) in [
      ("bilinear_up", 13, 20, Resize.Mode.bilinear), ("bilinear_down", 4, 5, .bilinear),
      ("nearest_up", 13, 20, .nearest), ("nearest_down", 4, 5, .nearest),
    ] {
      assertClose(Resize.apply(x, height: h, width: w, mode: mode), try f.tensor(key), key)
    }
  }

  func testPooling() throws {
    let f = try Fixtures.open("pooling")
    let x = try f.tensor("input")
    assertClose(Pooling.average(x, kernel: 3, stride: 2, padding: 1), try f.tensor("avg"), "avg")
    assertClose(Pooling.max(x, kernel: 3, stride: 2, padding: 1), try f.tensor("max"), "max")
    assertClose(Pooling.average(x, kernel: 2), try f.tensor("avg2"), "avg2")
    assertClose(Pooling.max(x, kernel: 2), try f.tensor("max2"), "max2")
    assertClose(Pooling.globalAverage(x), try f.tensor("gap"), "gap")
  }

  func testActivations() throws {
    let f = try Fixtures.open("activations")
    let x = try f.tensor("input")
    for (key, act) in [
      ("relu", Activation.relu), ("leaky", .leakyReLU(slope: 0.1)), ("silu", .silu), ("gelu", .gelu),
      ("sigmoid", .sigmoid), ("tanh", .tanh),
    ] {
      assertClose(act(x), try f.tensor(key), key)
    }
  }

  func testGroupNorm() throws {
    let f = try Fixtures.open("groupnorm")
    var gn = GroupNorm(groups: 4, channels: 8)
    try gn.load(from: f, prefix: "m")
    assertClose(gn(try f.tensor("input")), try f.tensor("output"), "groupnorm")
  }

  func testBranchSoftmax() throws {
    let f = try Fixtures.open("branch_softmax")
    let w = BranchSoftmax.apply(try (0..<3).map { try f.tensor("input\($0)") })
    for i in 0..<3 { assertClose(w[i], try f.tensor("output\(i)"), "branch \(i)") }
  }

  func testSqueezeExcitation() throws {
    let f = try Fixtures.open("squeeze_excitation")
    var se = SqueezeExcitation(channels: 16, reduction: 4)
    try se.load(from: f, prefix: "m")
    assertClose(se(try f.tensor("input")), try f.tensor("output"), "se")
  }

  func testTimestepEmbedding() throws {
    let f = try Fixtures.open("timestep")
    let t = try f.tensor("t").toArray()
    for dim in [32, 33] {
      let ref = try f.tensor("emb\(dim)")
      assertClose(TimestepEmbedding.apply(t, dim: dim), ref.reshaped(Shape(t.count, dim, 1, 1)), "emb\(dim)")
    }
  }
}
