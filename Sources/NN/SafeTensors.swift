import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A memory-mapped, validated safetensors file whose tensors decode to f32 `Tensor`s on demand.
///
/// Format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
/// `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}`, then the data
/// section. Every entry is checked against the file size and its dtype/shape at open time.
/// F32, F16 and BF16 are decoded to f32; tensors are copied into owned, aligned storage.
public final class SafeTensors: @unchecked Sendable {
  /// One tensor's header record.
  public struct Entry: Equatable, Sendable {
    /// Element type as written in the header ("F32", "F16", "BF16", …).
    public let dtype: String
    /// Dimensions as stored (any rank).
    public let dims: [Int]
    /// Byte range inside the data section.
    public let begin: Int, end: Int
  }

  /// Path the file was opened from (used in error messages).
  public let path: String
  /// Header records by tensor name.
  public let entries: [String: Entry]
  /// String metadata from `__metadata__`.
  public let metadata: [String: String]
  private let map: UnsafeMutableRawPointer?
  private let fileSize: Int
  private let dataStart: Int

  /// Opens and validates `path`.
  ///
  /// - Throws: `NNError.cannotOpen`, `.truncated` or `.invalidHeader`.
  public init(path: String) throws {
    self.path = path
    let fd = open(path, O_RDONLY)
    if fd < 0 { throw NNError.cannotOpen(path: path, errno: errno) }
    defer { close(fd) }
    var st = stat()
    if fstat(fd, &st) != 0 { throw NNError.cannotOpen(path: path, errno: errno) }
    fileSize = Int(st.st_size)
    if fileSize < 8 { throw NNError.truncated(path: path, expectedBytes: 8, actualBytes: fileSize) }
    guard let m = mmap(nil, fileSize, PROT_READ, MAP_PRIVATE, fd, 0), m != MAP_FAILED else {
      throw NNError.cannotOpen(path: path, errno: errno)
    }
    map = m
    do {
      let rawLen = UInt64(littleEndian: m.loadUnaligned(as: UInt64.self))
      // Checked as UInt64 first: garbage bytes often have the top bit set, which Int(_:) would trap on.
      if rawLen > 100_000_000 { throw NNError.invalidHeader(path: path, reason: "header length \(rawLen)") }
      let headerLen = Int(rawLen)
      if 8 + headerLen > fileSize {
        throw NNError.truncated(path: path, expectedBytes: 8 + headerLen, actualBytes: fileSize)
      }
      dataStart = 8 + headerLen
      let json = Data(bytes: m + 8, count: headerLen)
      (entries, metadata) = try SafeTensors.parseHeader(json, path: path, dataBytes: fileSize - dataStart)
    } catch {
      munmap(m, fileSize)
      throw error
    }
  }

  deinit {
    if let map { munmap(map, fileSize) }
  }

  /// All tensor names, sorted.
  public var names: [String] { entries.keys.sorted() }

  /// Whether the file holds a tensor called `name`.
  public func contains(_ name: String) -> Bool { entries[name] != nil }

  /// Decodes tensor `name` to f32, checking its dims against `expected` when given.
  ///
  /// Dims are right-aligned into NCHW (see `Shape(dims:)`).
  /// - Throws: `.missingTensor`, `.shapeMismatch`, `.unsupportedDType`, `.invalidHeader` (rank > 4),
  ///   `.nonFinite` (a NaN or infinity among the values).
  public func tensor(_ name: String, shape expected: [Int]? = nil) throws -> Tensor {
    guard let e = entries[name] else { throw NNError.missingTensor(path: path, tensor: name, available: names) }
    if let expected, expected != e.dims {
      throw NNError.shapeMismatch(path: path, tensor: name, expected: expected, actual: e.dims)
    }
    if e.dims.count > 4 { throw NNError.invalidHeader(path: path, reason: "tensor '\(name)' has rank > 4") }
    let t = Tensor(zeros: Shape(dims: e.dims))
    let src = UnsafeRawPointer(map!) + dataStart + e.begin
    let n = t.count
    let dst = t.data
    switch e.dtype {
    case "F32":
      UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: n * 4)
    case "F16":
      for i in 0..<n { dst[i] = SafeTensors.halfToFloat(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
    case "BF16":
      for i in 0..<n {
        dst[i] = Float(bitPattern: UInt32(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
      }
    default:
      throw NNError.unsupportedDType(path: path, tensor: name, dtype: e.dtype)
    }
    // Damaged weights (NaN/Inf) are refused at load rather than blackening every frame.
    for i in 0..<n where !dst[i].isFinite {
      throw NNError.nonFinite(path: path, tensor: name, index: i)
    }
    return t
  }

  // MARK: - Internals

  static func elementSize(_ dtype: String) -> Int? {
    switch dtype {
    case "F64", "I64", "U64": return 8
    case "F32", "I32", "U32": return 4
    case "F16", "BF16", "I16", "U16": return 2
    case "I8", "U8", "BOOL": return 1
    default: return nil
    }
  }

  static func parseHeader(_ json: Data, path: String, dataBytes: Int) throws -> ([String: Entry], [String: String]) {
    func bad(_ r: String) -> NNError { .invalidHeader(path: path, reason: r) }
    guard let obj = try? JSONSerialization.jsonObject(with: json), let dict = obj as? [String: Any] else {
      throw bad("header is not a JSON object")
    }
    var entries: [String: Entry] = [:]
    var meta: [String: String] = [:]
    for (name, value) in dict {
      if name == "__metadata__" {
        if let m = value as? [String: String] { meta = m }
        continue
      }
      guard let d = value as? [String: Any], let dtype = d["dtype"] as? String,
        let shapeAny = d["shape"] as? [Any], let offAny = d["data_offsets"] as? [Any]
      else { throw bad("entry '\(name)' lacks dtype/shape/data_offsets") }
      let dims = shapeAny.compactMap { ($0 as? NSNumber)?.intValue }
      let offs = offAny.compactMap { ($0 as? NSNumber)?.intValue }
      guard dims.count == shapeAny.count, dims.allSatisfy({ $0 >= 0 }), offs.count == 2, offs[0] >= 0, offs[0] <= offs[1]
      else { throw bad("entry '\(name)' has a malformed shape or data_offsets") }
      guard let size = elementSize(dtype) else { throw bad("entry '\(name)' has unknown dtype \(dtype)") }
      var need = size
      for d in dims {
        let (product, overflow) = need.multipliedReportingOverflow(by: d)
        if overflow { throw bad("entry '\(name)' has an impossibly large shape \(dims)") }
        need = product
      }
      if offs[1] - offs[0] != need {
        throw bad("entry '\(name)' spans \(offs[1] - offs[0]) bytes, shape \(dims) of \(dtype) needs \(need)")
      }
      if offs[1] > dataBytes {
        // Saturated: an end offset near Int.max (garbage) would overflow the file size it implies.
        let (expected, overflow) = (8 + json.count).addingReportingOverflow(offs[1])
        throw NNError.truncated(path: path, expectedBytes: overflow ? .max : expected, actualBytes: 8 + json.count + dataBytes)
      }
      entries[name] = Entry(dtype: dtype, dims: dims, begin: offs[0], end: offs[1])
    }
    try checkTiling(entries, dataBytes: dataBytes, bad: bad)
    return (entries, meta)
  }

  /// The format requires the tensors to cover the data section exactly, in some order, without holes or
  /// overlaps; a shifted or overlapping range would otherwise decode as plausible but wrong weights.
  static func checkTiling(_ entries: [String: Entry], dataBytes: Int, bad: (String) -> NNError) throws {
    var next = 0
    for (name, e) in entries.sorted(by: { ($0.value.begin, $0.value.end, $0.key) < ($1.value.begin, $1.value.end, $1.key) }) {
      if e.begin == e.end { continue }  // empty tensors occupy no bytes
      if e.begin < next { throw bad("entry '\(name)' at bytes \(e.begin)..<\(e.end) overlaps the tensor before it") }
      if e.begin > next { throw bad("bytes \(next)..<\(e.begin) of the data section belong to no tensor (before '\(name)')") }
      next = e.end
    }
    if next != dataBytes {
      throw bad("the data section holds \(dataBytes) bytes but the tensors cover \(next)")
    }
  }

  /// IEEE 754 binary16 → binary32 (exact, handles subnormals, Inf and NaN).
  static func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h >> 15) << 31
    let exp = Int((h >> 10) & 0x1F)
    let man = UInt32(h & 0x3FF)
    if exp == 0 {
      let v = Float(man) * Float(sign: .plus, exponent: -24, significand: 1)
      return sign != 0 ? -v : v
    }
    if exp == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (man << 13)) }
    return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | (man << 13))
  }
}
