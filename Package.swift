// swift-tools-version:6.0
// reexpose: re-expose SDR video as HDR inside ffmpeg pipes.
//
// Tiers (a module imports only modules of lower tiers):
//   T0  VectorMath                             SIMD exp/log/pow and lane helpers (no dependencies)
//       CShim (C), Imaging, Color, NN          numeric kernels, colour science, NN layers
//   T1  Masks, Inpaint, Denoise, Fusion        exposure masks, highlight/shadow restoration, REHDR fusion
//   T2  Pipeline                               streaming stages over a temporal window (never imports IO)
//   T3  IO, Presets                            libav demux/decode/encode/mux; YAML presets
//   T3+ Reexpose                               the filter API (send/receive) the CLI and C API share
//   T4  ReexposeCLI (`reexpose`), ReexposeC (`libreexpose.so`)
import Foundation
import PackageDescription

/// Markdown files inside a Sources/ target (module READMEs), excluded from the build.
func docs(_ target: String) -> [String] {
  let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Sources/\(target)")
  return ["README.md", "Stages/README.md"].filter {
    FileManager.default.fileExists(atPath: dir.appendingPathComponent($0).path)
  }
}

let release: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo", "-target-cpu", "haswell"], .when(configuration: .release))]

let package = Package(
  name: "reexpose",
  products: [
    .executable(name: "reexpose", targets: ["ReexposeCLI"]),
    .library(name: "ReexposeShared", type: .dynamic, targets: ["ReexposeC"]),
    .executable(name: "reexpose-bench", targets: ["ReexposeBench"]),
    .executable(name: "reexpose-bench-nn", targets: ["NNBench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // MARK: - T0
    .target(
      name: "CShim", path: "CShim",
      exclude: ["reexpose.pc.in", "README.md"],
      sources: ["shim.c"],
      publicHeadersPath: "include",
      linkerSettings: [
        .linkedLibrary("avformat"), .linkedLibrary("avcodec"), .linkedLibrary("avfilter"),
        .linkedLibrary("swscale"), .linkedLibrary("avutil"), .linkedLibrary("openblas"),
        .linkedLibrary("m"),
      ]),
    .target(name: "VectorMath", exclude: docs("VectorMath"), swiftSettings: release),
    .target(name: "Imaging", dependencies: ["CShim", "VectorMath"], exclude: docs("Imaging"), swiftSettings: release),
    .target(name: "Color", dependencies: ["Imaging"], exclude: docs("Color"), swiftSettings: release),
    .target(name: "NN", dependencies: ["CShim", "VectorMath"], exclude: docs("NN"), swiftSettings: release),
    // MARK: - T1
    .target(name: "Masks", dependencies: ["VectorMath", "Imaging", "Color"], exclude: docs("Masks"), swiftSettings: release),
    .target(name: "Inpaint", dependencies: ["VectorMath", "Imaging", "Color", "Masks"], exclude: docs("Inpaint"), swiftSettings: release),
    .target(name: "Fusion", dependencies: ["NN", "Imaging"], exclude: docs("Fusion"), swiftSettings: release),
    .target(name: "Denoise", dependencies: ["VectorMath", "Imaging", "Color", "Masks"], exclude: docs("Denoise"), swiftSettings: release),
    .target(name: "Diffusion", dependencies: ["NN", "Imaging", "Color"], exclude: docs("Diffusion"), swiftSettings: release),
    // MARK: - T2
    .target(
      name: "Pipeline", dependencies: ["CShim", "VectorMath", "Imaging", "Color", "Masks", "Inpaint", "Denoise", "Diffusion", "Fusion", "NN"],
      exclude: docs("Pipeline"), swiftSettings: release),
    // MARK: - T3
    .target(name: "IO", dependencies: ["CShim", "Imaging", "Color", "Pipeline"], exclude: docs("IO"), swiftSettings: release),
    .target(
      name: "Presets", dependencies: ["Pipeline", "Color", "Imaging", .product(name: "Yams", package: "Yams")],
      exclude: docs("Presets"), swiftSettings: release),
    .target(name: "Reexpose", dependencies: ["IO", "Presets", "Pipeline", "Imaging", "NN"], exclude: docs("Reexpose"), swiftSettings: release),
    // MARK: - T4
    .executableTarget(
      name: "ReexposeCLI",
      dependencies: ["Reexpose", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      swiftSettings: release),
    .target(name: "ReexposeC", dependencies: ["Reexpose", "CShim"], exclude: docs("ReexposeC"), swiftSettings: release),
    .executableTarget(name: "ReexposeBench", dependencies: ["Reexpose", "NN"], swiftSettings: release),
    .executableTarget(name: "NNBench", dependencies: ["NN", "CShim"], swiftSettings: release),
    // MARK: - Tests
    .target(name: "TestSupport", dependencies: ["Imaging"], path: "Tests/TestSupport"),
    .testTarget(name: "VectorMathTests", dependencies: ["VectorMath"]),
    .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"]),
    .testTarget(name: "ColorTests", dependencies: ["Color", "TestSupport"]),
    .testTarget(name: "NNTests", dependencies: ["NN", "TestSupport"]),
    .testTarget(name: "MasksTests", dependencies: ["Masks", "TestSupport"]),
    .testTarget(name: "InpaintTests", dependencies: ["Inpaint", "TestSupport"]),
    .testTarget(name: "FusionTests", dependencies: ["Fusion", "NN", "Imaging", "TestSupport"]),
    .testTarget(name: "DenoiseTests", dependencies: ["Denoise", "TestSupport"]),
    .testTarget(name: "DiffusionTests", dependencies: ["Diffusion", "NN", "Imaging", "TestSupport"]),
    .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "TestSupport"]),
    .testTarget(name: "IOTests", dependencies: ["IO", "TestSupport"]),
    .testTarget(name: "PresetsTests", dependencies: ["Presets", "Pipeline", "Imaging", "TestSupport"]),
    .testTarget(name: "ReexposeTests", dependencies: ["Reexpose", "IO", "Presets", "Pipeline", "CShim", "TestSupport"]),
    .testTarget(name: "ReexposeCLITests", dependencies: ["TestSupport"]),
  ],
  swiftLanguageModes: [.v5]
)
