import Imaging

/// A planar image with one "may hold a value > 0" flag per row (plane-major: index c·H + y).
///
/// A flag of 0 promises the row is all zero; 1 promises nothing. Mask kernels use the flags to skip rows
/// whose whole input window is zero (most of a typical frame's masks) and to skip rewriting rows already zero.
final class FlaggedPlanes {
  var image: PlanarImage
  let flags: UnsafeMutablePointer<UInt8>

  /// A zero image (every flag 0).
  init(width: Int, height: Int, channels: Int) {
    image = PlanarImage(width: width, height: height, channels: channels)
    flags = .allocate(capacity: channels * height)
    flags.initialize(repeating: 0, count: channels * height)
  }

  deinit { flags.deallocate() }

  var width: Int { image.width }
  var height: Int { image.height }

  /// Whether any row y0...y1 (clamped) of plane c may be nonzero.
  @inline(__always)
  func anyRow(_ c: Int, _ y0: Int, _ y1: Int) -> Bool {
    let h = image.height
    var y = Swift.max(y0, 0)
    let e = Swift.min(y1, h - 1)
    while y <= e {
      if flags[c * h + y] != 0 { return true }
      y += 1
    }
    return false
  }
}

/// Hands out [1, H, W] mask images with their row flags, reusing an image only when the pool holds the only
/// reference to it (`isKnownUniquelyReferenced`), i.e. no frame carries it any more. Masks are read-only once
/// handed out: the flags remember which rows are already zero so the next use need not clear them. Holds at
/// most `capacity` entries. Not thread-safe.
final class MaskPool {
  private var entries: [FlaggedPlanes] = []
  let capacity: Int

  init(capacity: Int) { self.capacity = capacity }

  func take(width: Int, height: Int) -> FlaggedPlanes {
    // Free: neither the entry (a caller between takes) nor its image (a frame) is referenced elsewhere.
    for i in entries.indices
    where entries[i].width == width && entries[i].height == height && isKnownUniquelyReferenced(&entries[i])
      && isKnownUniquelyReferenced(&entries[i].image)
    {
      return entries[i]
    }
    let e = FlaggedPlanes(width: width, height: height, channels: 1)
    if entries.count >= capacity {
      // Forget an entry still in use elsewhere (its image lives on with the frames) to make room.
      entries.removeFirst()
    }
    entries.append(e)
    return e
  }
}
