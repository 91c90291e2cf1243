import CShim

/// Gives `frame` a `width × height` yuv420p buffer (contents undefined), tagged BT.709 limited range, and `pts`.
/// - Returns: av_frame_get_buffer's status (≥ 0 on success).
@discardableResult
func allocateTaggedYUV420P(_ frame: UnsafeMutablePointer<AVFrame>, width: Int, height: Int, pts: Int64) -> Int32 {
  frame.pointee.width = Int32(width)
  frame.pointee.height = Int32(height)
  frame.pointee.format = AV_PIX_FMT_YUV420P.rawValue
  frame.pointee.pts = pts
  frame.pointee.color_range = AVCOL_RANGE_MPEG
  frame.pointee.colorspace = AVCOL_SPC_BT709
  frame.pointee.color_trc = AVCOL_TRC_BT709
  frame.pointee.color_primaries = AVCOL_PRI_BT709
  return av_frame_get_buffer(frame, 0)
}
