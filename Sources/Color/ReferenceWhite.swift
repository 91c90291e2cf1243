/// Reference levels for SDR content inside HDR signals.
public enum ReferenceWhite {
  /// HDR reference white / SDR 100 % white in cd/m² (ITU-R BT.2408).
  public static let nits: Double = 203
  /// HLG signal level of HDR reference white (ITU-R BT.2408: 75 %).
  public static let hlgSignal: Double = 0.75
  /// Nominal SDR display peak in cd/m² (ITU-R BT.1886 reference display).
  public static let sdrPeakNits: Double = 100
}
