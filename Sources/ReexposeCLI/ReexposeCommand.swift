import ArgumentParser
import CShim
import Color
import Foundation
import IO
import Imaging
import Pipeline
import Presets
import Reexpose

@main
struct ReexposeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reexpose",
    abstract: "Re-expose SDR video as HDR (HLG, PQ/HDR10, scene-linear) inside ffmpeg pipes.",
    // Lines stay under 80 columns: the argument parser re-wraps longer ones mid-command.
    discussion: """
      Reads video on stdin or -i FILE (Matroska, NUT, y4m, MPEG-TS from a pipe;
      any file ffmpeg reads, e.g. MP4/MOV with ProRes or H.264, with -i; raw
      frames with --size/--pix-fmt/--rate) and writes Matroska with raw video
      to stdout or -o FILE, with colour tags and HDR10 mastering/content-light
      metadata. Audio and subtitles pass through unchanged.

      EXAMPLES
        # HLG HEVC; -strict -1 lets 10-bit raw video into Matroska
        ffmpeg -i in.mov -map 0:v:0 -map 0:a? -c:v rawvideo -c:a copy \\
            -strict -1 -f matroska - \\
          | reexpose --preset hlg-broadcast \\
          | ffmpeg -i - -map 0 -c:a copy -c:v libx265 \\
            -x265-params "$(reexpose --preset hlg-broadcast --x265-params)" \\
            out.mkv
        # into MP4, add -fps_mode passthrough to the last ffmpeg (no duplicated frame)
        # files in and out, no pipe
        reexpose --preset hdr10-pq -i in.mov -o out.mkv
        # NUT pipe (keep -c:v rawvideo: NUT's default codec is MPEG-4)
        ffmpeg -i in.mp4 -c:v rawvideo -c:a copy -f nut - \\
          | reexpose --preset hdr10-pq --set output.peakNits=4000 -o out.mkv
        # headerless raw frames
        ffmpeg -i in.mp4 -f rawvideo -pix_fmt yuv420p - \\
          | reexpose --size 1920x1080 --pix-fmt yuv420p --rate 25 > hdr.mkv
        reexpose --list-presets;  reexpose --preset fast --print-preset

      EXIT CODES
        0  success (also when the reader of stdout closes the pipe early)
        64 usage error (also: stdout is a terminal)
        65 bad input data (truncated, corrupt, wrong geometry, unsupported
           pixel format; with --strict also damage that could be read past)
        66 input not readable     70 internal error or out of memory
        73 output not writable    74 I/O error
        78 bad preset or --set override
        130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (a second one exits at
           once)
      Every frame decoded before a fault or a stop signal is written out
      before exiting. Damaged input that can be read past (frames skipped by
      the demuxer, undecodable or corrupt frames) is counted and warned about
      with its position; --strict makes it exit 65 at the first such frame.
      """,
    version: "reexpose \(ReexposeVersion.text) (preset format \(PipelineParams.version))")

  @Option(name: .long, help: "Preset name (see --list-presets) or path to a YAML preset file.")
  var preset: String = "hdr10-pq"

  @Option(name: .customLong("set"), help: ArgumentHelp("Override one preset key, e.g. output.peakNits=4000 (repeatable).", valueName: "key=value"))
  var overrides: [String] = []

  @Option(name: .shortAndLong, help: "Input file ('-' = stdin).")
  var input: String = "-"

  @Option(name: .shortAndLong, help: "Output file ('-' = stdout).")
  var output: String = "-"

  @Option(name: .long, help: "Output container: mkv (default), nut (loses colour tags), y4m, raw.")
  var format: String = "mkv"

  @Option(name: .long, help: ArgumentHelp("Raw input frame size, e.g. 1920x1080 (enables raw input).", valueName: "WxH"))
  var size: String?

  @Option(name: .customLong("pix-fmt"), help: "Raw input pixel format (libav name).")
  var pixFmt: String = "yuv420p"

  @Option(name: .long, help: "Raw input frame rate, e.g. 25 or 30000/1001.")
  var rate: String = "25"

  @Option(name: .long, help: ArgumentHelp(
    "Event-camera recording of the same shot (text: 'width height' line, then 't x y p' per event, t in seconds from the first frame) guiding the fusion network (balanced, quality).",
    valueName: "file"))
  var events: String?

  @Option(name: .long, help: ArgumentHelp(
    "A still of the scene (OpenEXR/Radiance HDR, or an SDR image) conditioning the diffusion inpainting (quality).",
    valueName: "image"))
  var reference: String?

  @Option(name: .long, help: ArgumentHelp("libavfilter graph run on the decoded video before re-exposure, e.g. 'crop=1920:800,scale=1280:-2'.", valueName: "graph"))
  var vf: String?

  @Option(name: .customLong("post-vf"), help: ArgumentHelp("libavfilter graph run on the re-exposed video before it is written, e.g. 'scale=3840:2160:flags=lanczos'.", valueName: "graph"))
  var postVF: String?

  @Option(name: .long, help: "Write a JSON summary (frames, fps, measured MaxCLL/MaxFALL) to this file. With --x265-params: read the levels to declare from it.")
  var stats: String?

  @Flag(name: .long, help: "Measuring pass: run the filter, write no video, report MaxCLL/MaxFALL (with --stats FILE for a second pass).")
  var measure = false

  @Option(name: .long, help: ArgumentHelp("Declare the MaxCLL/MaxFALL measured by an earlier --measure --stats run, in the header and --x265-params.", valueName: "stats.json"))
  var measured: String?

  @Option(name: .long, help: "Worker threads (default: all cores).")
  var threads: Int?

  @Flag(name: .shortAndLong, help: "No progress, warnings or summary on stderr (errors still print).")
  var quiet = false

  @Flag(name: .long, help: "After the summary, print per-shot measurements (the denoise stage's noise estimates).")
  var verbose = false

  @Flag(name: .long, help: "Damaged input is an error (exit 65) instead of a warning: frames the demuxer skipped or the decoder could not decode or flagged corrupt, and a stream ending short of what its container announced.")
  var strict = false

  @Flag(name: .customLong("list-presets"), help: "List the presets and exit.")
  var listPresets = false

  @Flag(name: .customLong("list-curves"), help: "List the named transfer curves and exit.")
  var listCurves = false

  @Flag(name: .customLong("print-preset"), help: "Print the effective configuration as YAML and exit.")
  var printPreset = false

  @Flag(name: .customLong("detect-cuts"), help: "Print the frames where the preset's scene-cut detector starts a new shot (frame, pts, seconds; one line each) and exit: split points where a part re-exposed alone gives the same frames.")
  var detectCuts = false

  @Option(name: .customLong("export-lut"), help: ArgumentHelp("Write the preset's global per-pixel mapping (SDR R'G'B' → HDR R'G'B', no spatial or temporal stages) as a .cube 3D LUT for ffmpeg lut3d, Resolve or OBS, and exit.", valueName: "file.cube"))
  var exportLUT: String?

  @Option(name: .customLong("lut-size"), help: "Points per side of --export-lut: 17, 33 or 65.")
  var lutSize = 33

  @Flag(name: .customLong("x265-params"), help: "Print the x265 master-display/max-cll parameters for the preset and exit.")
  var x265Params = false

  /// `--size`/`--pix-fmt`/`--rate` as the reader takes them (nil: a container); checked by ``validate()``.
  var rawOptions: RawVideoOptions? {
    size.map { s in
      let sz = RawSize(s)!
      return RawVideoOptions(width: sz.width, height: sz.height, pixelFormat: pixFmt, frameRate: RawRate(rate)!.rational)
    }
  }

  mutating func validate() throws {
    guard ContainerFormat(name: format) != nil else {
      throw ValidationError("unknown --format '\(format)', expected mkv, nut, y4m or raw")
    }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    if let size, RawSize(size) == nil { throw ValidationError("bad --size '\(size)', expected WIDTHxHEIGHT") }
    if RawRate(rate) == nil { throw ValidationError("bad --rate '\(rate)', expected e.g. 25 or 30000/1001") }
    if !CubeLUT.sizes.contains(lutSize) {
      throw ValidationError("bad --lut-size \(lutSize), expected one of \(CubeLUT.sizes.map(String.init).joined(separator: ", "))")
    }
  }

  func run() throws {
    // A closed stderr (`2>&-`) is reopened on /dev/null before any file is opened, so no output file can
    // land on fd 2 and receive messages; writes to a broken stderr are ignored (Console).
    if fcntl(2, F_GETFD) < 0 && errno == EBADF {
      let null = open("/dev/null", O_WRONLY)
      if null >= 0 && null != 2 { dup2(null, 2); close(null) }
    }
    signal(SIGPIPE, SIG_IGN)
    FrameMemory.keepFramesInTheHeap()
    rx_set_log_level(AV_LOG_QUIET)
    let console = Console(quiet: quiet)

    if listCurves {
      try console.stdout(CurveRegistry.all.map { "\($0.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \($0.summary)\n" }.joined())
      return
    }
    let catalog = PresetCatalog()
    if listPresets {
      try console.stdout(catalog.list().map { "\($0.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \($0.description)\n" }.joined())
      return
    }
    var overrides = overrides
    if let source = measured ?? (x265Params ? stats : nil) {
      do {
        overrides += try MeasuredLight.overrides(fromStats: source)
      } catch let failure as MeasuredLight.Failure {
        console.error(failure)
        if case .unreadable = failure { throw ExitCode(ErrorStatus.inputUnreadable.exitCode) }
        throw ExitCode(ErrorStatus.badArgument.exitCode)
      }
    }
    let filter: ReexposeFilter
    do {
      filter = try ReexposeFilter(preset: preset, overrides: overrides, catalog: catalog, threads: threads)
    } catch {
      console.error(error)
      throw ExitCode(ErrorStatus.classify(error, during: .create).exitCode)
    }
    if let reference, !printPreset, !x265Params {
      do {
        try filter.setReference(path: reference)
      } catch {
        console.error(error)
        throw ExitCode(ErrorStatus.classify(error, during: .setReference).exitCode)
      }
    }
    if printPreset {
      try console.stdout(PresetLoader.render(filter.params, name: filter.preset.name, description: filter.preset.description))
      return
    }
    if x265Params {
      try console.stdout(filter.x265Params + "\n")
      return
    }
    if detectCuts {
      let code = CutDetection.run(input: input, raw: rawOptions, params: filter.params, console: console)
      if code != 0 { throw ExitCode(code) }
      return
    }
    if let exportLUT {
      let text: String
      do {
        text = try CubeLUT.text(preset: filter.preset, size: lutSize)
      } catch {
        console.error(error)
        throw ExitCode(ErrorStatus.classify(error, during: .create).exitCode)
      }
      if let failure = Console.writeFile(exportLUT, text) {
        console.error("cannot write --export-lut file \(exportLUT): \(failure)")
        throw ExitCode(ErrorStatus.ioFailed.exitCode)
      }
      return
    }
    if output == "-" && isatty(STDOUT_FILENO) == 1 && !measure {
      console.error("stdout is a terminal: redirect it (> out.mkv), pipe it (| ffmpeg -i - …) or give -o FILE")
      throw ExitCode(ErrorStatus.usage.exitCode)
    }
    // A measuring pass converts every frame (the levels are measured on the output signal) but keeps none.
    let job = PipeJob(
      filter: filter, input: input, output: measure ? "/dev/null" : output,
      format: measure ? .raw : ContainerFormat(name: format)!,
      raw: rawOptions,
      events: events, console: console)
    job.verbose = verbose
    job.strict = strict
    job.vf = vf
    job.postVF = postVF
    StopSignals.install()
    var code = job.run()
    if let stats, !job.writeStats(to: stats, console: console), code == 0 { code = ErrorStatus.ioFailed.exitCode }
    if code != 0 { throw ExitCode(code) }
  }
}
