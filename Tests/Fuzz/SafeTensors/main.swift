import FuzzSupport
import NN

#if canImport(Glibc)
  import Glibc
#endif

// libFuzzer target: the input is a safetensors file, opened with `SafeTensors(path:)` and every tensor in it
// decoded, as a model's weight loading does.
//
// Contracts checked: opening and decoding throw only `NNError` (ASan and Swift's runtime checks catch the
// rest), and a decoded tensor has the element count its header announced.

/// The file `SafeTensors` maps; one per process, rewritten for each input.
let scratch = ScratchFile("safetensors")

/// Opens one input and decodes its tensors; traps on a broken contract.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  scratch.write(data, size)
  let file: SafeTensors
  do {
    file = try SafeTensors(path: scratch.path)
  } catch is NNError {
    return 0
  } catch {
    fatalError("SafeTensors(path:) threw something other than NNError: \(error)")
  }
  for name in file.names {
    let dims = file.entries[name]!.dims
    do {
      let t = try file.tensor(name, shape: dims)
      precondition(t.count == dims.reduce(1, *), "tensor '\(name)' decoded to \(t.count) elements for dims \(dims)")
    } catch is NNError {
    } catch {
      fatalError("SafeTensors.tensor threw something other than NNError: \(error)")
    }
  }
  return 0
}

atexit { scratch.remove() }
runLibFuzzer(fuzzSafeTensors)
