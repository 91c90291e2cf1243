"""Colour maths for evaluation: transfer functions, primaries, PU21, deltaE ITP, BT.2446 A.

All formulas follow REFERENCE.md section 1-2 (SMPTE ST 2084, ITU-R BT.2100, BT.2124,
BT.2446, Mantiuk & Azimi 2021). Absolute luminance is in cd/m^2 throughout.
"""

import numpy as np

SDR_WHITE_NITS = 203.0  # BT.2408 reference white

# Linear BT.709 -> BT.2020 primaries (BT.2087).
M709_TO_2020 = np.array([[0.6274, 0.3293, 0.0433],
                         [0.0691, 0.9195, 0.0114],
                         [0.0164, 0.0880, 0.8956]])
M2020_TO_709 = np.linalg.inv(M709_TO_2020)

LUMA_709 = np.array([0.2126, 0.7152, 0.0722])
LUMA_2020 = np.array([0.2627, 0.6780, 0.0593])

# --- PQ (SMPTE ST 2084) ---
_M1 = 2610.0 / 16384.0
_M2 = 2523.0 / 4096.0 * 128.0
_C1 = 3424.0 / 4096.0
_C2 = 2413.0 / 4096.0 * 32.0
_C3 = 2392.0 / 4096.0 * 32.0


def pq_oetf(nits):
    """Inverse EOTF: absolute luminance (cd/m^2) -> PQ signal in [0, 1]."""
    y = np.clip(np.asarray(nits, dtype=np.float64) / 10000.0, 0.0, 1.0)
    ym = np.power(y, _M1)
    return np.power((_C1 + _C2 * ym) / (1.0 + _C3 * ym), _M2)


def pq_eotf(e):
    """PQ signal in [0, 1] -> absolute luminance in cd/m^2."""
    ep = np.power(np.clip(np.asarray(e, dtype=np.float64), 0.0, 1.0), 1.0 / _M2)
    return 10000.0 * np.power(np.maximum(ep - _C1, 0.0) / (_C2 - _C3 * ep), 1.0 / _M1)


# --- HLG (BT.2100) ---
_HA, _HB, _HC = 0.17883277, 0.28466892, 0.55991073


def hlg_oetf(e):
    """Scene linear [0, 1] -> HLG signal."""
    e = np.clip(np.asarray(e, dtype=np.float64), 0.0, 1.0)
    return np.where(e <= 1.0 / 12.0, np.sqrt(3.0 * e),
                    _HA * np.log(np.maximum(12.0 * e - _HB, 1e-12)) + _HC)


def hlg_inverse_oetf(s):
    """HLG signal -> scene linear [0, 1]."""
    s = np.clip(np.asarray(s, dtype=np.float64), 0.0, 1.0)
    return np.where(s <= 0.5, s * s / 3.0, (np.exp((s - _HC) / _HA) + _HB) / 12.0)


def hlg_eotf(rgb_signal, peak=1000.0):
    """HLG R'G'B' [..., 3] (BT.2020) -> display light cd/m^2 through the BT.2100 OOTF."""
    e = hlg_inverse_oetf(rgb_signal)
    gamma = 1.2 + 0.42 * np.log10(peak / 1000.0)
    ys = np.maximum(e @ LUMA_2020, 0.0)[..., None]
    return peak * np.power(ys, gamma - 1.0) * e


def hlg_inverse_eotf(rgb_nits, peak=1000.0):
    """Display light cd/m^2 (BT.2020) -> HLG R'G'B' (inverse OOTF, then OETF)."""
    gamma = 1.2 + 0.42 * np.log10(peak / 1000.0)
    fd = np.maximum(np.asarray(rgb_nits, dtype=np.float64), 0.0) / peak
    yd = np.maximum(fd @ LUMA_2020, 1e-12)[..., None]
    e = fd * np.power(yd, (1.0 - gamma) / gamma)
    return hlg_oetf(e)


# --- SDR ---
def srgb_to_linear(v):
    """sRGB-encoded [0, 1] -> linear."""
    v = np.asarray(v, dtype=np.float64)
    return np.where(v <= 0.04045, v / 12.92, np.power((v + 0.055) / 1.055, 2.4))


def bt1886_to_linear(v):
    """BT.1886 display EOTF with zero black: V ** 2.4."""
    return np.power(np.clip(np.asarray(v, dtype=np.float64), 0.0, 1.0), 2.4)


# --- PU21 (Mantiuk & Azimi 2021, banding_glare variant) ---
PU21_PARAMS = (0.353487901, 0.3734658629, 8.277049286e-05, 0.9062562627, 0.09150303166,
               0.9099517204, 596.3148142)
PU21_PEAK = 256.0


def pu21(nits):
    """PU21 perceptually uniform value of absolute luminance (cd/m^2), clamped to [0.005, 10000]."""
    p0, p1, p2, p3, p4, p5, p6 = PU21_PARAMS
    y = np.clip(np.asarray(nits, dtype=np.float64), 0.005, 10000.0)
    yp = np.power(y, p3)
    return p6 * (np.power((p0 + p1 * yp) / (1.0 + p2 * yp), p4) - p5)


def pu_psnr(test_nits, ref_nits, mask=None):
    """PSNR in PU21 units with peak 256, over all values or those where mask is true."""
    d = pu21(test_nits) - pu21(ref_nits)
    if mask is not None:
        m = np.broadcast_to(mask[..., None] if mask.ndim == d.ndim - 1 else mask, d.shape)
        if not m.any():
            return float("nan")
        d = d[m]
    mse = float(np.mean(d * d))
    return float("inf") if mse == 0 else 10.0 * np.log10(PU21_PEAK ** 2 / mse)


# --- deltaE ITP (BT.2124) ---
_LMS = np.array([[1688, 2146, 262], [683, 2951, 462], [99, 309, 3688]]) / 4096.0
_ITP = np.array([[0.5, 0.5, 0.0],
                 [6610.0 / 4096, -13613.0 / 4096, 7003.0 / 4096],
                 [17933.0 / 4096, -17390.0 / 4096, -543.0 / 4096]])


def ictcp(rgb2020_nits):
    """Absolute linear BT.2020 RGB [..., 3] (cd/m^2) -> ICtCp [..., 3] (PQ-based)."""
    lms = np.maximum(np.asarray(rgb2020_nits, dtype=np.float64), 0.0) @ _LMS.T
    return pq_oetf(lms) @ _ITP.T


def delta_e_itp(a_nits, b_nits):
    """Per-pixel deltaE ITP between two absolute linear BT.2020 images [..., 3]."""
    d = ictcp(a_nits) - ictcp(b_nits)
    return 720.0 * np.sqrt(d[..., 0] ** 2 + (0.5 * d[..., 1]) ** 2 + d[..., 2] ** 2)


# --- BT.2446 method A, SDR -> HDR (inverse tone mapping) ---
def bt2446a(rgb_codes):
    """BT.2446 method A inverse tone mapping of 8-bit BT.709 SDR R'G'B' codes [..., 3].

    The SDR is taken as BT.1886 display light (gamma 2.4, 100 % = SDR white), converted to
    BT.2020 and re-encoded with gamma 1/2.4, expanded on luma, and decoded with gamma 2.4 to
    absolute light: SDR white maps to 1000 cd/m^2 (not 203). Returns linear BT.2020 cd/m^2.
    """
    v = np.asarray(rgb_codes, dtype=np.float64) / 255.0
    lin2020 = np.maximum(bt1886_to_linear(v) @ M709_TO_2020.T, 0.0)
    rgbp = np.power(lin2020, 1.0 / 2.4)
    y = rgbp @ LUMA_2020
    cb = (rgbp[..., 2] - y) / 1.8814
    cr = (rgbp[..., 0] - y) / 1.4746
    y2 = 255.0 * y
    e = np.where(y2 <= 70.0,
                 1.8712e-5 * y2 * y2 - 2.7334e-3 * y2 + 1.3141,
                 2.8305e-6 * y2 * y2 - 7.4622e-4 * y2 + 1.2528)
    yh = np.power(y2, e)                                  # in [0, 1000]
    ratio = np.where(y > 1e-6, 1.075 * yh / np.maximum(y, 1e-6), 0.0)
    cbh, crh = cb * ratio, cr * ratio
    r = yh + 1.4746 * crh
    b = yh + 1.8814 * cbh
    g = (yh - LUMA_2020[0] * r - LUMA_2020[2] * b) / LUMA_2020[1]
    rgbh = np.clip(np.stack([r, g, b], axis=-1) / 1000.0, 0.0, 1.0)
    return 1000.0 * np.power(rgbh, 2.4)
