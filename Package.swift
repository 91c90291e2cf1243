// swift-tools-version:6.0
// reexpose: re-expose SDR video as HDR inside ffmpeg pipes.
//
// Tiers: a module imports only modules of lower tiers, and its target declares exactly the modules it
// imports (checked by Tests/check-tiers.py in `make test`; the lines below are what it reads).
//   T0  CShim, VectorMath, Parameters, Execution   libav/OpenBLAS/C API bridge; SIMD exp/log/pow; parameter declarations; per-filter execution context
//   T1  Imaging, NN                            image kernels over planar float; NN layers and weights
//   T2  Color                                  transfer curves, primaries, inverse tone mapping
//   T3  Masks, Inpaint, Denoise, Fusion, Diffusion, Media   algorithms; the frame and the input/output signal
//   T4  Pipeline, IO                           stage registry and streaming stages; libav demux/decode/encode/mux
//   T5  Presets                                YAML presets over the stage registry's parameter declarations
//   T6  Reexpose                               the filter API (send/receive) the CLI and C API share
//   T7  ReexposeCLI, ReexposeC, ReexposeBench, NNBench   `reexpose`, `libreexpose.so`, benches
// Fuzz targets (Tests/Fuzz) exist only when REEXPOSE_FUZZ=1; like tests they are not tiered.
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
      // Only what the shim, IO and the NN engine call: libavformat/libavcodec/libavfilter/libavutil and OpenBLAS.
      linkerSettings: [
        .linkedLibrary("avformat"), .linkedLibrary("avcodec"), .linkedLibrary("avfilter"), .linkedLibrary("avutil"),
        .linkedLibrary("openblas"),
        .linkedLibrary("m"),
      ]),
    .target(name: "VectorMath", exclude: docs("VectorMath"), swiftSettings: release),
    .target(name: "Parameters", exclude: docs("Parameters"), swiftSettings: release),
    .target(name: "Execution", exclude: docs("Execution"), swiftSettings: release),
    // MARK: - T1
    .target(name: "Imaging", dependencies: ["Execution", "VectorMath"], exclude: docs("Imaging"), swiftSettings: release),
    .target(name: "NN", dependencies: ["CShim", "Execution", "VectorMath"], exclude: docs("NN"), swiftSettings: release),
    // MARK: - T2
    .target(name: "Color", dependencies: ["Imaging", "Parameters", "VectorMath"], exclude: docs("Color"), swiftSettings: release),
    // MARK: - T3
    .target(
      name: "Masks", dependencies: ["Color", "Imaging", "Parameters", "VectorMath"], exclude: docs("Masks"),
      swiftSettings: release),
    .target(
      name: "Inpaint", dependencies: ["Color", "Imaging", "Parameters", "VectorMath"], exclude: docs("Inpaint"),
      swiftSettings: release),
    .target(name: "Fusion", dependencies: ["Imaging", "NN", "Parameters", "VectorMath"], exclude: docs("Fusion"), swiftSettings: release),
    .target(
      name: "Denoise", dependencies: ["Imaging", "Parameters", "VectorMath"], exclude: docs("Denoise"),
      swiftSettings: release),
    .target(
      name: "Diffusion", dependencies: ["Color", "Execution", "Imaging", "NN", "Parameters"], exclude: docs("Diffusion"),
      swiftSettings: release),
    .target(name: "Media", dependencies: ["Color", "Imaging", "Parameters"], exclude: docs("Media"), swiftSettings: release),
    // MARK: - T4
    .target(
      name: "Pipeline",
      dependencies: [
        "CShim", "Color", "Denoise", "Diffusion", "Execution", "Fusion", "Imaging", "Inpaint", "Masks", "Media", "NN",
        "Parameters",
      ],
      exclude: docs("Pipeline"), swiftSettings: release),
    .target(name: "IO", dependencies: ["CShim", "Color", "Imaging", "Media"], exclude: docs("IO"), swiftSettings: release),
    // MARK: - T5
    .target(
      name: "Presets", dependencies: ["Parameters", "Pipeline", .product(name: "Yams", package: "Yams")],
      exclude: docs("Presets"), swiftSettings: release),
    // MARK: - T6
    .target(
      name: "Reexpose",
      dependencies: ["CShim", "Color", "Denoise", "Execution", "IO", "Imaging", "Media", "Parameters", "Pipeline", "Presets"],
      exclude: docs("Reexpose"), swiftSettings: release),
    // MARK: - T7
    .executableTarget(
      name: "ReexposeCLI",
      dependencies: [
        "CShim", "Color", "Denoise", "IO", "Imaging", "Media", "Pipeline", "Presets", "Reexpose",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: release),
    .target(
      name: "ReexposeC", dependencies: ["CShim", "IO", "Imaging", "Reexpose"], exclude: docs("ReexposeC"),
      swiftSettings: release),
    .executableTarget(
      name: "ReexposeBench",
      dependencies: [
        "CShim", "Color", "Denoise", "Diffusion", "Execution", "Fusion", "IO", "Imaging", "Inpaint", "Masks", "Media", "NN",
        "Pipeline", "Reexpose", "TestSupport",
      ],
      swiftSettings: release),
    .executableTarget(name: "NNBench", dependencies: ["CShim", "Execution", "NN"], swiftSettings: release),
    // MARK: - Tests (not tiered; each declares exactly what it imports)
    .target(name: "TestSupport", dependencies: ["Imaging"], path: "Tests/TestSupport"),
    .testTarget(name: "VectorMathTests", dependencies: ["VectorMath"]),
    .testTarget(name: "ParametersTests", dependencies: ["Parameters"]),
    .testTarget(name: "ExecutionTests", dependencies: ["Execution"]),
    .testTarget(name: "ImagingTests", dependencies: ["Execution", "Imaging", "TestSupport"]),
    .testTarget(name: "ColorTests", dependencies: ["Color", "Imaging", "TestSupport"]),
    .testTarget(name: "NNTests", dependencies: ["Execution", "NN"]),
    .testTarget(name: "MasksTests", dependencies: ["Imaging", "Masks", "Parameters", "TestSupport"]),
    .testTarget(name: "InpaintTests", dependencies: ["Color", "Imaging", "Inpaint", "TestSupport"]),
    .testTarget(name: "FusionTests", dependencies: ["Fusion", "Imaging", "NN", "TestSupport"]),
    .testTarget(name: "DenoiseTests", dependencies: ["Denoise", "Imaging", "TestSupport"]),
    .testTarget(name: "DiffusionTests", dependencies: ["Diffusion", "Imaging", "NN", "Parameters", "TestSupport"]),
    .testTarget(
      name: "PipelineTests",
      dependencies: [
        "Color", "Denoise", "Diffusion", "Fusion", "Imaging", "Inpaint", "Masks", "Media", "Parameters", "Pipeline",
        "TestSupport",
      ]),
    .testTarget(name: "IOTests", dependencies: ["CShim", "Color", "IO", "Imaging", "Media", "TestSupport"]),
    .testTarget(name: "PresetsTests", dependencies: ["Color", "Imaging", "Media", "Parameters", "Pipeline", "Presets"]),
    .testTarget(
      name: "ReexposeTests", dependencies: ["CShim", "Execution", "IO", "Imaging", "Parameters", "Pipeline", "Presets", "Reexpose"]),
    .testTarget(name: "ReexposeCLITests"),
  ],
  swiftLanguageModes: [.v5]
)

// MARK: - Fuzz targets (REEXPOSE_FUZZ=1 only; Tests/Fuzz/README.md)
// Their `main` calls libFuzzer's driver, which exists only under `-sanitize=fuzzer`, so without the variable
// a plain `swift build` would fail to link them: `make fuzz` / `make test-fuzz` set it and build them with ASan
// into .build/fuzz.
if Context.environment["REEXPOSE_FUZZ"] == "1" {
  func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: "Fuzz\(name)", dependencies: ["FuzzSupport"] + dependencies, path: "Tests/Fuzz/\(name)")
  }
  package.targets += [
    .target(name: "CLibFuzzer", path: "Tests/Fuzz/CLibFuzzer"),
    .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], path: "Tests/Fuzz/Support"),
    fuzzTarget("PresetLoader", ["Presets"]),
    fuzzTarget("PresetOverrides", ["Presets"]),
    fuzzTarget("EventFile", ["IO"]),
    fuzzTarget("SafeTensors", ["NN"]),
    fuzzTarget("MediaReader", ["CShim", "IO"]),
  ]
  package.products += ["PresetLoader", "PresetOverrides", "EventFile", "SafeTensors", "MediaReader"].map {
    .executable(name: "Fuzz\($0)", targets: ["Fuzz\($0)"])
  }
}
