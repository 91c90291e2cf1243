"""PyTorch reference modules mirrored by the Swift NN module (Sources/NN) and its golden tests.

Every module here has a Swift twin; parameter names (state_dict keys) are the contract between the
two, e.g. ``ConvLSTMCell.conv.weight`` -> ``ConvLSTMCell.load(from:prefix:)`` reading ``prefix.conv.weight``.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Sinusoidal embedding [N] -> [N, dim] (guided-diffusion ``timestep_embedding``): [cos, sin]."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(0, half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
    return emb


class ConvLSTMCell(nn.Module):
    """One conv over cat[x, h] -> gates i, f, o, g (channel order); c = f*c + i*g; h = o*tanh(c)."""

    def __init__(self, cin: int, hidden: int, k: int = 3):
        super().__init__()
        self.hidden = hidden
        self.conv = nn.Conv2d(cin + hidden, 4 * hidden, k, padding=k // 2)

    def forward(self, x, state):
        h, c = state
        i, f, o, g = torch.split(self.conv(torch.cat([x, h], dim=1)), self.hidden, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c


class SqueezeExcitation(nn.Module):
    """Channel attention: x * sigmoid(fc2(relu(fc1(gap(x)))))."""

    def __init__(self, channels: int, reduction: int):
        super().__init__()
        hidden = max(1, channels // reduction)
        self.fc1 = nn.Linear(channels, hidden)
        self.fc2 = nn.Linear(hidden, channels)

    def forward(self, x):
        s = x.mean(dim=(2, 3))
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(s))))
        return x * s[:, :, None, None]


class SmallUNet(nn.Module):
    """Two-level UNet with GroupNorm, SiLU, timestep conditioning, depthwise conv, SE and both upsamplers."""

    def __init__(self):
        super().__init__()
        self.conv_in = nn.Conv2d(3, 8, 3, padding=1)
        self.gn1 = nn.GroupNorm(2, 8)
        self.conv_d1 = nn.Conv2d(8, 16, 3, padding=1)
        self.gn2 = nn.GroupNorm(4, 16)
        self.conv_d2 = nn.Conv2d(16, 16, 3, padding=1)
        self.temb = nn.Linear(16, 16)
        self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.se = SqueezeExcitation(16, 4)
        self.conv_u1 = nn.Conv2d(32, 16, 3, padding=1)
        self.up2 = nn.ConvTranspose2d(16, 8, 2, stride=2)
        self.conv_u2 = nn.Conv2d(16, 8, 3, padding=1)
        self.conv_out = nn.Conv2d(8, 3, 1)

    def forward(self, x, t):
        e1 = F.silu(self.gn1(self.conv_in(x)))
        e2 = F.silu(self.gn2(self.conv_d1(F.max_pool2d(e1, 2))))
        temb = F.silu(self.temb(timestep_embedding(t, 16)))
        b = F.relu(self.conv_d2(F.avg_pool2d(e2, 2)) + temb[:, :, None, None])
        b = self.se(self.dw(b))
        u1 = F.interpolate(b, size=e2.shape[2:], mode="bilinear", align_corners=False)
        u1 = F.leaky_relu(self.conv_u1(torch.cat([u1, e2], dim=1)), 0.1)
        u2 = self.up2(u1)
        u2 = F.gelu(self.conv_u2(torch.cat([u2, e1], dim=1)))
        return self.conv_out(u2)


class EncoderDecoder(nn.Module):
    """REHDR-flavoured encoder-decoder: BN-folded head, strided encoders, ConvLSTM, softmax branch fusion,
    channel attention, transposed-conv decoders with sum skips, sigmoid output."""

    def __init__(self):
        super().__init__()
        self.head = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.head_bn = nn.BatchNorm2d(8)
        self.enc1 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.lstm = ConvLSTMCell(16, 16)
        self.enc2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.branch_a = nn.Conv2d(32, 32, 3, padding=2, dilation=2)
        self.branch_b = nn.Conv2d(32, 32, 1)
        self.mask = nn.Conv2d(3, 32, 1)
        self.select = nn.Linear(32, 64)
        self.se = SqueezeExcitation(32, 8)
        self.dec2 = nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1)
        self.dec1 = nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)
        self.tail = nn.Conv2d(8, 3, 3, padding=1)

    def forward(self, x):
        f0 = F.relu(self.head_bn(self.head(x)))
        f1 = F.relu(self.enc1(f0))
        zeros = torch.zeros(x.shape[0], 16, f1.shape[2], f1.shape[3])
        h1, _ = self.lstm(f1, (zeros, zeros))
        f2 = F.relu(self.enc2(h1))
        ldr = F.interpolate(x, size=f2.shape[2:], mode="nearest")
        a = self.branch_a(f2) * torch.sigmoid(self.mask(ldr))
        b = self.branch_b(f2)
        z = self.select((a + b).mean(dim=(2, 3))).view(-1, 2, 32, 1, 1)
        w = torch.softmax(z, dim=1)
        fused = self.se(a * w[:, 0] + b * w[:, 1])
        d2 = F.relu(self.dec2(fused) + h1)
        d1 = F.relu(self.dec1(d2) + f0)
        return torch.sigmoid(self.tail(d1))
