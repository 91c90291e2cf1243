import CLibFuzzer

#if canImport(Glibc)
  import Glibc
#endif

/// Runs libFuzzer's driver over `body` with this process's arguments, then exits with its status.
///
/// Each fuzz target's `main.swift` calls this with its `@_cdecl("LLVMFuzzerTestOneInput")` function. libFuzzer's
/// own `main` cannot run it: on Linux SwiftPM links an executable's `main` to `<Module>_main`, the entry point
/// of the module's top-level code, so the target needs top-level code, and that code starts the driver. The
/// `LLVMFuzzerTestOneInput` symbol is still needed (libFuzzer's `main`, linked whole, refers to it) and keeps
/// the target usable by other libFuzzer drivers.
///
/// - Parameter body: tests one input; returns 0 (libFuzzer reserves other values). Findings are crashes:
///   ASan reports, Swift runtime traps, `preconditionFailure`/`fatalError` on a broken contract.
public func runLibFuzzer(_ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
  var argc = CommandLine.argc
  var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
  exit(LLVMFuzzerRunDriver(&argc, &argv, body))
}
