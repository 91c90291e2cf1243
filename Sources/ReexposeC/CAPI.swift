import CShim
import Foundation
import IO
import Imaging
import Reexpose

// The C API declared in CShim/include/reexpose.h. Every entry point validates its arguments and catches
// every Swift error, so bad input returns a negative status and never aborts the host.

@_cdecl("reexpose_version")
public func reexposeVersion() -> UInt32 { ReexposeVersion.packed }

@_cdecl("reexpose_status_string")
public func reexposeStatusString(_ status: Int32) -> UnsafePointer<CChar> {
  let text = StatusCode.messages[status] ?? "unknown status"
  return UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// Thread-local message of the last failed create.
private let createErrorKey: pthread_key_t = {
  var key = pthread_key_t()
  pthread_key_create(&key) { free($0) }
  return key
}()

private func setCreateError(_ message: String) {
  free(pthread_getspecific(createErrorKey))
  pthread_setspecific(createErrorKey, strdup(message))
}

@_cdecl("reexpose_last_create_error")
public func reexposeLastCreateError() -> UnsafePointer<CChar> {
  if let p = pthread_getspecific(createErrorKey) { return UnsafePointer(p.assumingMemoryBound(to: CChar.self)) }
  return UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("reexpose_filter_create")
public func reexposeFilterCreate(
  _ preset: UnsafePointer<CChar>?, _ overrides: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int32,
  _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
  createFilter("reexpose_filter_create", preset, overrides, count, threads: nil, out)
}

@_cdecl("reexpose_filter_create_with_threads")
public func reexposeFilterCreateWithThreads(
  _ preset: UnsafePointer<CChar>?, _ overrides: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int32,
  _ threads: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
  createFilter("reexpose_filter_create_with_threads", preset, overrides, count, threads: threads > 0 ? Int(threads) : nil, out)
}

/// Both create calls: `threads` nil means all cores.
private func createFilter(
  _ name: String, _ preset: UnsafePointer<CChar>?, _ overrides: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int32,
  threads: Int?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
  guard let out else {
    setCreateError("\(name): out is NULL")
    return StatusCode.usage
  }
  out.pointee = nil
  guard let preset else {
    setCreateError("\(name): preset is NULL")
    return StatusCode.usage
  }
  if count < 0 || (count > 0 && overrides == nil) {
    setCreateError("\(name): bad override list")
    return StatusCode.usage
  }
  var list: [String] = []
  for i in 0..<Int(count) {
    guard let s = overrides?[i] else {
      setCreateError("\(name): override \(i) is NULL")
      return StatusCode.usage
    }
    list.append(String(cString: s))
  }
  do {
    let filter = try ReexposeFilter(preset: String(cString: preset), overrides: list, threads: threads)
    out.pointee = OpaquePointer(Unmanaged.passRetained(FilterHandle(filter: filter)).toOpaque())
    setCreateError("")
    return StatusCode.ok
  } catch {
    setCreateError("\(error)")
    return ErrorStatus.classify(error, during: .create).status
  }
}

@_cdecl("reexpose_filter_last_error")
public func reexposeFilterLastError(_ filter: OpaquePointer?) -> UnsafePointer<CChar> {
  guard let handle = FilterHandle.from(filter) else {
    return UnsafeRawPointer(("filter is NULL" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
  }
  return UnsafePointer(handle.lastError)
}

@_cdecl("reexpose_filter_send_frame")
public func reexposeFilterSendFrame(_ filter: OpaquePointer?, _ frame: UnsafePointer<AVFrame>?) -> Int32 {
  guard let handle = FilterHandle.from(filter) else { return StatusCode.usage }
  do {
    if let frame { try FrameChecks.check(frame.pointee) }
    try handle.filter.send(frame)
    return StatusCode.ok
  } catch {
    return handle.fail(error)
  }
}

@_cdecl("reexpose_filter_receive_frame")
public func reexposeFilterReceiveFrame(_ filter: OpaquePointer?, _ out: UnsafeMutablePointer<AVFrame>?) -> Int32 {
  guard let handle = FilterHandle.from(filter) else { return StatusCode.usage }
  guard let out else {
    handle.setLastError("reexpose_filter_receive_frame: out is NULL")
    return StatusCode.usage
  }
  do {
    switch try handle.filter.receive() {
    case let .frame(frame):
      av_frame_unref(out)
      av_frame_move_ref(out, frame.pointer)
      return StatusCode.ok
    case .again: return StatusCode.again
    case .endOfStream: return StatusCode.eof
    }
  } catch {
    return handle.fail(error)
  }
}

@_cdecl("reexpose_filter_attach_events")
public func reexposeFilterAttachEvents(
  _ filter: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ num: Int32, _ den: Int32
) -> Int32 {
  guard let handle = FilterHandle.from(filter) else { return StatusCode.usage }
  guard let path else {
    handle.setLastError("reexpose_filter_attach_events: path is NULL")
    return StatusCode.usage
  }
  do {
    try handle.filter.attachEvents(EventFile(path: String(cString: path)), timeBase: (Int(num), Int(den)))
    return StatusCode.ok
  } catch {
    return handle.fail(error, during: .attachEvents)
  }
}

@_cdecl("reexpose_filter_set_reference")
public func reexposeFilterSetReference(_ filter: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
  guard let handle = FilterHandle.from(filter) else { return StatusCode.usage }
  guard let path else {
    handle.setLastError("reexpose_filter_set_reference: path is NULL")
    return StatusCode.usage
  }
  do {
    try handle.filter.setReference(path: String(cString: path))
    return StatusCode.ok
  } catch {
    return handle.fail(error, during: .setReference)
  }
}

@_cdecl("reexpose_filter_flush")
public func reexposeFilterFlush(_ filter: OpaquePointer?) -> Int32 {
  reexposeFilterSendFrame(filter, nil)
}

@_cdecl("reexpose_filter_send_planar")
public func reexposeFilterSendPlanar(_ filter: OpaquePointer?, _ frame: UnsafePointer<ReexposePlanarFrame>?) -> Int32 {
  guard let handle = FilterHandle.from(filter) else { return StatusCode.usage }
  guard let frame else { return reexposeFilterSendFrame(filter, nil) }
  do {
    try PlanarBuffers.check(frame.pointee)
    try handle.filter.checkMemory(width: Int(frame.pointee.width), height: Int(frame.pointee.height))
    let image = try PlanarBuffers.read(frame.pointee)
    try handle.filter.send(signal: image, pts: frame.pointee.pts)
    return StatusCode.ok
  } catch {
    return handle.fail(error)
  }
}

@_cdecl("reexpose_filter_receive_planar")
public func reexposeFilterReceivePlanar(_ filter: OpaquePointer?, _ out: UnsafeMutablePointer<ReexposePlanarFrame>?) -> Int32 {
  guard let handle = FilterHandle.from(filter) else { return StatusCode.usage }
  guard let out else {
    handle.setLastError("reexpose_filter_receive_planar: out is NULL")
    return StatusCode.usage
  }
  do {
    try PlanarBuffers.checkWritable(out.pointee)
    // A wrong-size buffer is refused before the frame is taken: the next call with the right size gets it.
    if let next = handle.filter.nextFrameSize, next != (Int(out.pointee.width), Int(out.pointee.height)) {
      throw FilterError.invalidArgument(
        "planar output is \(out.pointee.width)x\(out.pointee.height), frame is \(next.width)x\(next.height) (the frame is kept)")
    }
    guard let (image, pts) = try handle.filter.receiveSignal() else {
      return handle.filter.isDraining ? StatusCode.eof : StatusCode.again
    }
    try PlanarBuffers.write(image, pts: pts, into: out)
    return StatusCode.ok
  } catch {
    return handle.fail(error)
  }
}

@_cdecl("reexpose_filter_x265_params")
public func reexposeFilterX265Params(_ filter: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ size: Int) -> Int32 {
  guard let handle = FilterHandle.from(filter), let buf, size > 0 else { return StatusCode.usage }
  let text = Array(handle.filter.x265Params.utf8CString)
  if text.count > size {
    handle.setLastError("reexpose_filter_x265_params: buffer of \(size) bytes, need \(text.count)")
    return StatusCode.usage
  }
  text.withUnsafeBufferPointer { buf.update(from: $0.baseAddress!, count: text.count) }
  return StatusCode.ok
}

@_cdecl("reexpose_filter_content_light")
public func reexposeFilterContentLight(
  _ filter: OpaquePointer?, _ maxCLL: UnsafeMutablePointer<Double>?, _ maxFALL: UnsafeMutablePointer<Double>?
) -> Int32 {
  guard let handle = FilterHandle.from(filter) else { return StatusCode.usage }
  let light = handle.filter.contentLight
  maxCLL?.pointee = light.maxCLL
  maxFALL?.pointee = light.maxFALL
  return StatusCode.ok
}

@_cdecl("reexpose_filter_destroy")
public func reexposeFilterDestroy(_ filter: UnsafeMutablePointer<OpaquePointer?>?) {
  guard let filter, let p = filter.pointee else { return }
  Unmanaged<FilterHandle>.fromOpaque(UnsafeRawPointer(p)).release()
  filter.pointee = nil
}

@_cdecl("reexpose_supports_pixel_format")
public func reexposeSupportsPixelFormat(_ format: Int32) -> Int32 {
  // Values outside libav's table have no descriptor; the converter's own test reads the descriptor.
  let pixelFormat = AVPixelFormat(rawValue: format)
  return av_pix_fmt_desc_get(pixelFormat) != nil && InputConverter.supports(pixelFormat) ? 1 : 0
}

@_cdecl("reexpose_filter_output_pixel_format")
public func reexposeFilterOutputPixelFormat(_ filter: OpaquePointer?) -> Int32 {
  guard let handle = FilterHandle.from(filter) else { return StatusCode.usage }
  return handle.filter.outputPixelFormat.rawValue
}
