import Color
import Denoise
import Diffusion
import Fusion
import Imaging
import Inpaint
import Masks

/// Everything that configures the pipeline: one section per stage, validated in one place.
public struct PipelineParams: Equatable, Sendable {
  /// Preset format version this struct corresponds to.
  public static let version = 1

  /// Input interpretation.
  public var input = InputParams()
  /// Temporal window.
  public var window = WindowParams()
  /// Exposure masks; `nil`-like disabling is done by the stages that use them.
  public var masks = MaskParams()
  /// Highlight reconstruction.
  public var highlights = HighlightParams()
  /// Diffusion inpainting of over-exposed regions (starts from the highlight stage's PDE fill).
  public var diffusion = DiffusionParams()
  /// Shadow denoising.
  public var shadows = ShadowParams()
  /// Inverse tone mapping.
  public var expansion = ExpansionParams()
  /// REHDR fusion (the learned expansion; excludes `expansion`).
  public var fusion = FusionParams()
  /// Output signal.
  public var output = OutputParams()

  public init() {}

  /// Validates every section; the error's key is dotted (`output.peakNits`).
  public func validate() throws {
    do { try input.validate() } catch let e as ParameterError { throw e.prefixed("input") }
    do { try window.validate() } catch let e as ParameterError { throw e.prefixed("window") }
    do { try masks.validate() } catch let e as ParameterError { throw e.prefixed("masks") }
    do { try highlights.validate() } catch let e as ParameterError { throw e.prefixed("highlights") }
    do { try diffusion.validate() } catch let e as ParameterError { throw e.prefixed("diffusion") }
    do { try shadows.validate() } catch let e as ParameterError { throw e.prefixed("shadows") }
    do { try expansion.validate() } catch let e as ParameterError { throw e.prefixed("expansion") }
    do { try fusion.validate() } catch let e as ParameterError { throw e.prefixed("fusion") }
    do { try output.validate() } catch let e as ParameterError { throw e.prefixed("output") }
    // The window bounds how far any stage may look ahead (and so the memory held).
    if shadows.enabled && shadows.radiusFrames > window.lookAheadFrames {
      throw ParameterError(
        key: "shadows.radiusFrames", message: "must not exceed window.lookAheadFrames (\(window.lookAheadFrames)), got \(shadows.radiusFrames)")
    }
    // Diffusion samples from the PDE fill and reads the masks of the stages before it.
    if diffusion.enabled && !highlights.enabled {
      throw ParameterError(key: "highlights.enabled", message: "must be true when diffusion.enabled is true (diffusion starts from its fill)")
    }
    // Fusion's gain map is the expansion: running the inverse tone map too would expand twice.
    if fusion.enabled && expansion.enabled {
      throw ParameterError(key: "expansion.enabled", message: "must be false when fusion.enabled is true (the network expands)")
    }
  }

  /// Whether any stage beyond colour conversion is active (false for the `static` preset).
  public var hasRestoration: Bool {
    highlights.enabled || diffusion.enabled || shadows.enabled || expansion.enabled || fusion.enabled
  }
}
