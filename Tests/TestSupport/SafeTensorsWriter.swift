import Foundation

/// Writes `tensors` (name, dims, values) as an F32 safetensors file with optional `__metadata__`
/// (tests that build weights files: corrupt, reshaped, F32 rewrites).
public func writeSafeTensors(
  _ path: String, _ tensors: [(String, [Int], [Float])], metadata: [String: String] = [:]
) throws {
  var header: [String] = []
  if !metadata.isEmpty {
    let m = metadata.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
    header.append("\"__metadata__\":{\(m)}")
  }
  var offset = 0
  for (name, dims, values) in tensors {
    let bytes = values.count * 4
    header.append(
      "\"\(name)\":{\"dtype\":\"F32\",\"shape\":[\(dims.map(String.init).joined(separator: ","))],"
        + "\"data_offsets\":[\(offset),\(offset + bytes)]}")
    offset += bytes
  }
  var json = "{" + header.joined(separator: ",") + "}"
  while json.utf8.count % 8 != 0 { json += " " }
  var data = Data()
  var len = UInt64(json.utf8.count).littleEndian
  data.append(Data(bytes: &len, count: 8))
  data.append(json.data(using: .utf8)!)
  for (_, _, values) in tensors {
    values.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
  }
  try data.write(to: URL(fileURLWithPath: path))
}
