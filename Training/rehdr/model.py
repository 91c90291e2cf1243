"""REHDR-style recurrent fusion network for reexpose (issue 7), sized for CPU inference.

Swift twin: ``Sources/Fusion/REHDRNetwork.swift``. The ``state_dict`` keys are the contract between
the two (see ``Sources/Fusion/README.md`` for the full table). Shapes below are NCHW, batch N.

Inputs, at the working resolution h x w (h, w multiples of 8; ~1/4 of the frame, e.g. 480x272 for 1080p):

* ``image`` [N, 5, h, w] = ``encode_frame(linear)``, where ``linear`` [N, 3, h, w] is the linearised
  SDR frame (BT.709 primaries, 1.0 = SDR white), clamped to [0, 1]:
    - channels 0-2: log encoding  e = log2(x + 2^-12) / 12 + 1   (x = clamped linear R, G, B; 0 -> 0, 1 -> ~1)
    - channel 3: over-exposure mask   clamp((max_c x - 0.8) / 0.2, 0, 1)
    - channel 4: under-exposure mask  clamp(1 - max_c x / 0.01, 0, 1)
* ``events`` [N, 5, h, w] or None: the 5-bin event voxel grid of the frame interval, resampled to h x w by
  the caller. The network divides it by its max |value| per item (``normalise_events``); None = zeros.

Output: [N, 1, h, w] log2 gain, bounded to (-gain_stops, gain_stops) by ``tanh``. One channel: the gain
scales R, G, B alike (hue is kept from the LDR frame). ``GainMapApplier`` upsamples it to the full frame.

Layers (widths c1/c2/c3, default 16/32/48):
  img_head, evt_head: conv3x3 5 -> c1, ReLU (full working resolution, f0)
  level l = 1..3 (stride 2 each):
    img_enc{l}, evt_enc{l}: conv3x3 s2 -> c_l, ReLU
    afmf{l}: guide_l = avg-pool of ``image`` to the level's size;
             a = img * sigmoid(mask(guide_l))              (mask: conv3x3 5 -> c_l, the dynamic-range mask)
             w = softmax over branches of select(gap(a + e)) (select: linear c_l -> 2 c_l, [image | event])
             fused = SE(w_img * a + w_evt * e)             (SE reduction 4)
    lstm{l}: ConvLSTM (k3, hidden c_l) over fused -> h_l; h_l feeds the next level's image branch,
             the event branch continues from e_l.
  res1, res2: x + conv3x3(ReLU(conv3x3(x))) at c3
  dec3: convT4x4 s2 c3 -> c2, + h2, ReLU; dec2: c2 -> c1, + h1, ReLU; dec1: c1 -> c1, + f0, ReLU
  out: conv3x3 c1 -> 1; gain = gain_stops * tanh(out)
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "nn"))
from reference_modules import ConvLSTMCell, SqueezeExcitation  # noqa: E402

IMAGE_CHANNELS = 5
EVENT_BINS = 5
LOG_FLOOR = 2.0 ** -12


def encode_frame(linear: torch.Tensor) -> torch.Tensor:
    """Linear RGB [N, 3, h, w] -> network image input [N, 5, h, w] (log encoding + over/under masks)."""
    x = linear.clamp(0.0, 1.0)
    enc = torch.log2(x + LOG_FLOOR) / 12.0 + 1.0
    peak = x.amax(dim=1, keepdim=True)
    over = ((peak - 0.8) / 0.2).clamp(0.0, 1.0)
    under = (1.0 - peak / 0.01).clamp(0.0, 1.0)
    return torch.cat([enc, over, under], dim=1)


def normalise_events(events: torch.Tensor) -> torch.Tensor:
    """Voxel grid [N, 5, h, w] divided by its max |value| per item (all-zero grids stay zero)."""
    peak = events.abs().amax(dim=(1, 2, 3), keepdim=True).clamp_min(1e-6)
    return events / peak


class AFMF(nn.Module):
    """Adaptive feature modulation fusion: dynamic-range mask gating, branch softmax, channel attention."""

    def __init__(self, c: int):
        super().__init__()
        self.c = c
        self.mask = nn.Conv2d(IMAGE_CHANNELS, c, 3, padding=1)
        self.select = nn.Linear(c, 2 * c)
        self.se = SqueezeExcitation(c, 4)

    def forward(self, img, evt, guide):
        a = img * torch.sigmoid(self.mask(guide))
        z = self.select((a + evt).mean(dim=(2, 3))).view(-1, 2, self.c, 1, 1)
        w = torch.softmax(z, dim=1)
        return self.se(a * w[:, 0] + evt * w[:, 1])


class ResBlock(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return x + self.conv2(F.relu(self.conv1(x)))


class REHDR(nn.Module):
    """Recurrent encoder-decoder predicting a bounded log2 gain map (see module docstring)."""

    def __init__(self, widths=(16, 32, 48), gain_stops: float = 6.0):
        super().__init__()
        c1, c2, c3 = widths
        self.widths = tuple(widths)
        self.register_buffer("gain_stops", torch.tensor([gain_stops], dtype=torch.float32))
        self.img_head = nn.Conv2d(IMAGE_CHANNELS, c1, 3, padding=1)
        self.evt_head = nn.Conv2d(EVENT_BINS, c1, 3, padding=1)
        cin = [c1, c1, c2]
        for l, (ci, co) in enumerate(zip(cin, widths), start=1):
            setattr(self, f"img_enc{l}", nn.Conv2d(ci, co, 3, stride=2, padding=1))
            setattr(self, f"evt_enc{l}", nn.Conv2d(ci, co, 3, stride=2, padding=1))
            setattr(self, f"afmf{l}", AFMF(co))
            setattr(self, f"lstm{l}", ConvLSTMCell(co, co))
        self.res1 = ResBlock(c3)
        self.res2 = ResBlock(c3)
        self.dec3 = nn.ConvTranspose2d(c3, c2, 4, stride=2, padding=1)
        self.dec2 = nn.ConvTranspose2d(c2, c1, 4, stride=2, padding=1)
        self.dec1 = nn.ConvTranspose2d(c1, c1, 4, stride=2, padding=1)
        self.out = nn.Conv2d(c1, 1, 3, padding=1)

    def initial_state(self, n: int, h: int, w: int):
        """Zero (h, c) per level, the state after a reset."""
        return [(torch.zeros(n, c, h >> l, w >> l), torch.zeros(n, c, h >> l, w >> l))
                for l, c in enumerate(self.widths, start=1)]

    def forward(self, image, events, state):
        """image [N,5,h,w], events [N,5,h,w] or None, state from ``initial_state`` -> (gain [N,1,h,w], state)."""
        n, _, h, w = image.shape
        assert h % 8 == 0 and w % 8 == 0, "working size must be a multiple of 8"
        if events is None:
            events = torch.zeros(n, EVENT_BINS, h, w)
        f0 = F.relu(self.img_head(image))
        x = f0
        e = F.relu(self.evt_head(normalise_events(events)))
        guide = image
        skips, new_state = [], []
        for l in (1, 2, 3):
            x = F.relu(getattr(self, f"img_enc{l}")(x))
            e = F.relu(getattr(self, f"evt_enc{l}")(e))
            guide = F.avg_pool2d(guide, 2)
            fused = getattr(self, f"afmf{l}")(x, e, guide)
            hl, cl = getattr(self, f"lstm{l}")(fused, state[l - 1])
            new_state.append((hl, cl))
            skips.append(hl)
            x = hl
        b = self.res2(self.res1(x))
        d = F.relu(self.dec3(b) + skips[1])
        d = F.relu(self.dec2(d) + skips[0])
        d = F.relu(self.dec1(d) + f0)
        return self.gain_stops * torch.tanh(self.out(d)), new_state


def multiply_adds(h: int, w: int, widths=(16, 32, 48)) -> int:
    """Multiply-adds of one step at h x w (convolutions, linears; elementwise ops ignored)."""
    model = REHDR(widths)
    total = 0
    hooks = []

    def conv_hook(m, inp, out):
        nonlocal total
        if isinstance(m, nn.ConvTranspose2d):
            total += inp[0].numel() * m.out_channels * m.kernel_size[0] * m.kernel_size[1] // m.groups
        elif isinstance(m, nn.Conv2d):
            total += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total += out.numel() * m.in_features

    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            hooks.append(m.register_forward_hook(conv_hook))
    with torch.no_grad():
        model(torch.zeros(1, IMAGE_CHANNELS, h, w), None, model.initial_state(1, h, w))
    return total


if __name__ == "__main__":
    m = REHDR()
    params = sum(p.numel() for p in m.parameters())
    macs = multiply_adds(272, 480)
    print(f"parameters: {params}, multiply-adds at 480x272: {macs / 1e9:.3f} G ({2 * macs / 1e9:.2f} GFLOP)")
