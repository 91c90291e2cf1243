"""Conditional UNet denoiser for diffusion inpainting of clipped highlights (issue 7, part 1).

Swift twin: ``Sources/Diffusion/DiffusionUNet.swift``; the ``state_dict`` keys are the contract
(table in ``Sources/Diffusion/README.md``). Shapes NCHW; tiles S x S with S a multiple of 4 (64).

Space: Log-Gamma codes E (REFERENCE §1: gamma 2.2, M 65536; L = 1 -> 0.348) of linear BT.709
(1.0 = SDR white); the network sees x = 2E - 1 (``to_net``).

Inputs of ``forward(x_t, t, cond, ref_emb)``:
  * x_t  [N, 3, S, S]  the noisy sample (x space);
  * t    [N]           timestep index 0..999 (float), sinusoidal embedding (guided-diffusion);
  * cond [N, 12, S, S] = cat of (``COND_CHANNELS``)
        fill  3  x of the classical PDE fill (the frame with its over-exposed region filled),
        ldr   3  x of the frame times (1 - over)  (the unclipped evidence only),
        over  1  soft over-exposure mask 0..1,  under 1  soft under-exposure mask 0..1,
        prev  3  x of the previous output at the same place (zeros when there is none),
        has_prev 1  1 when prev is valid, else 0 (first frame, scene cut);
  * ref_emb [N, 128] or None: ``encode_reference`` of an HDR still of the scene (global condition,
    added to the time embedding); None = no reference.
Output: v prediction [N, 3, S, S] (see schedule.py).

Layers (widths c1/c2/c3 = 24/48/64, temb 128, GroupNorm 8 groups, SiLU):
  temb = lin2(silu(lin1(sincos(t, 64))))  (+ ref_emb when given)
  conv_in 3x3 15 -> c1;  res1(c1) @S;  down1 3x3 s2 c1 -> c2;  res2(c2) @S/2;
  down2 3x3 s2 c2 -> c3;  mid(c3) @S/4;
  up2 convT 4x4 s2 c3 -> c2, + res2 output; dec2(c2);  up1 convT c2 -> c1, + res1 output; dec1(c1);
  out = conv_out(silu(norm_out(.))) 3x3 c1 -> 3.
  ResBlock(c): h = conv1(silu(norm1(x))) + emb(silu(temb))[:, :, None, None];
               x + conv2(silu(norm2(h))).
Reference encoder: the still is resized to 64x64 (box k = min(h,w)//64, then bilinear), normalised to a
geometric-mean luminance of 0.18 (``normalise_reference``), x = 2E - 1; three 3x3 s2 convs
3 -> 16 -> 32 -> 64 with SiLU; global average pool; linear 64 -> 128.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

LG_GAMMA = 2.2
LG_MAX = 65536.0
LG_LOG_RANGE = math.log(LG_GAMMA * LG_MAX + 1.0)
COND_CHANNELS = ("fill", 3), ("ldr", 3), ("over", 1), ("under", 1), ("prev", 3), ("has_prev", 1)
COND = sum(c for _, c in COND_CHANNELS)
TEMB = 128
TDIM = 64
REF_SIZE = 64
LUMA_709 = (0.2126, 0.7152, 0.0722)


def log_gamma(linear):
    """Log-Gamma code E of linear light (torch or numpy-compatible torch op)."""
    x = linear.clamp(0.0, LG_MAX)
    return (torch.log1p(LG_GAMMA * x) / LG_LOG_RANGE).pow(1.0 / LG_GAMMA)


def log_gamma_inverse(e):
    x = e.clamp(0.0, 1.0)
    return torch.expm1(x.pow(LG_GAMMA) * LG_LOG_RANGE) / LG_GAMMA


def to_net(e):
    return 2.0 * e - 1.0


def from_net(x):
    return (x + 1.0) * 0.5


def timestep_embedding(t, dim=TDIM, max_period=10000.0):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(0, half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


def normalise_reference(linear):
    """[N,3,h,w] linear HDR still -> 64x64, scaled to a geometric-mean luminance of 0.18.

    Resize: box average by k = max(1, min(h, w) // 64) (rows/columns past a multiple of k dropped),
    then bilinear (align_corners False) to 64x64. Luminance BT.709, geometric mean of (Y + 1e-4)."""
    x = linear.clamp_min(0.0)
    k = max(1, min(x.shape[-2], x.shape[-1]) // REF_SIZE)
    if k > 1:
        x = F.avg_pool2d(x, k)
    x = F.interpolate(x, size=(REF_SIZE, REF_SIZE), mode="bilinear", align_corners=False)
    y = x[:, 0:1] * LUMA_709[0] + x[:, 1:2] * LUMA_709[1] + x[:, 2:3] * LUMA_709[2]
    g = torch.exp(torch.log(y + 1e-4).mean(dim=(1, 2, 3), keepdim=True))
    return x * (0.18 / g)


class ResBlock(nn.Module):
    def __init__(self, c, temb=TEMB, groups=8):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, c)
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)
        self.emb = nn.Linear(temb, c)
        self.norm2 = nn.GroupNorm(groups, c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x))) + self.emb(F.silu(temb))[:, :, None, None]
        return x + self.conv2(F.silu(self.norm2(h)))


class DiffusionUNet(nn.Module):
    def __init__(self, widths=(24, 48, 64)):
        super().__init__()
        c1, c2, c3 = widths
        self.widths = tuple(widths)
        self.lin1 = nn.Linear(TDIM, TEMB)
        self.lin2 = nn.Linear(TEMB, TEMB)
        self.conv_in = nn.Conv2d(3 + COND, c1, 3, padding=1)
        self.res1 = ResBlock(c1)
        self.down1 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.res2 = ResBlock(c2)
        self.down2 = nn.Conv2d(c2, c3, 3, stride=2, padding=1)
        self.mid = ResBlock(c3)
        self.up2 = nn.ConvTranspose2d(c3, c2, 4, stride=2, padding=1)
        self.dec2 = ResBlock(c2)
        self.up1 = nn.ConvTranspose2d(c2, c1, 4, stride=2, padding=1)
        self.dec1 = ResBlock(c1)
        self.norm_out = nn.GroupNorm(8, c1)
        self.conv_out = nn.Conv2d(c1, 3, 3, padding=1)
        # Reference encoder (global condition).
        self.ref1 = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.ref2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.ref3 = nn.Conv2d(32, 64, 3, stride=2, padding=1)
        self.ref_out = nn.Linear(64, TEMB)

    def encode_reference(self, linear):
        """[N,3,h,w] linear HDR still (any size) -> [N, 128] embedding added to temb."""
        x = to_net(log_gamma(normalise_reference(linear)))
        x = F.silu(self.ref1(x))
        x = F.silu(self.ref2(x))
        x = F.silu(self.ref3(x))
        return self.ref_out(x.mean(dim=(2, 3)))

    def forward(self, x_t, t, cond, ref_emb=None):
        temb = self.lin2(F.silu(self.lin1(timestep_embedding(t))))
        if ref_emb is not None:
            temb = temb + ref_emb
        h0 = self.conv_in(torch.cat([x_t, cond], dim=1))
        r1 = self.res1(h0, temb)
        r2 = self.res2(self.down1(r1), temb)
        m = self.mid(self.down2(r2), temb)
        d2 = self.dec2(self.up2(m) + r2, temb)
        d1 = self.dec1(self.up1(d2) + r1, temb)
        return self.conv_out(F.silu(self.norm_out(d1)))


def macs_per_tile(model, s=64):
    """Multiply-accumulates of one forward on an s x s tile (convs and transposed convs only)."""
    total = 0
    size = {"conv_in": s, "res1": s, "down1": s // 2, "res2": s // 2, "down2": s // 4, "mid": s // 4,
            "up2": s // 4, "dec2": s // 2, "up1": s // 2, "dec1": s, "conv_out": s}
    for name, mod in model.named_modules():
        top = name.split(".")[0]
        if top not in size:
            continue
        n = size[top]
        if isinstance(mod, nn.ConvTranspose2d):
            total += n * n * mod.weight.numel()
        elif isinstance(mod, nn.Conv2d):
            total += n * n * mod.weight.numel()
    return total
