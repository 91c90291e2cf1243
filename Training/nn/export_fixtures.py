"""Export golden fixtures for the Swift NN tests (Tests/NNTests) as safetensors files.

Each fixture ``Tests/Fixtures/nn/<name>.safetensors`` holds a small randomly initialised module's
parameters under ``m.<state_dict key>``, its input(s) and the PyTorch output(s). Deterministic:
fixed seeds, one thread, float32, sorted keys. Re-run after changing a reference module:

    python3 Training/nn/export_fixtures.py            # writes Tests/Fixtures/nn/
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_modules import (  # noqa: E402
    ConvLSTMCell, EncoderDecoder, SmallUNet, SqueezeExcitation, timestep_embedding)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "nn")
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def save(name, module=None, **tensors):
    """Writes module params as m.* plus named tensors (contiguous float32)."""
    d = {}
    if module is not None:
        for k, v in module.state_dict().items():
            if v.dtype.is_floating_point:
                d["m." + k] = v.detach().float().contiguous()
    for k, v in tensors.items():
        d[k] = v.detach().float().contiguous()
    save_file(d, os.path.join(OUT, name + ".safetensors"), metadata={"fixture": name})


def randomize(module, seed):
    """Non-trivial affine/BN statistics so folding and normalisation are really exercised."""
    g = torch.Generator().manual_seed(seed)
    for m in module.modules():
        if isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
            with torch.no_grad():
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.2)
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.3)
                    m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) + 0.5)
    return module.eval()


def conv_fixtures():
    torch.manual_seed(1)
    cases = {
        "conv_basic": (nn.Conv2d(3, 5, 3, padding=1), (1, 3, 9, 11)),
        "conv_general": (nn.Conv2d(4, 6, (3, 5), stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=2),
                         (2, 4, 13, 12)),
        "conv_pointwise": (nn.Conv2d(6, 7, 1, bias=False), (1, 6, 8, 8)),
        "conv_pointwise_groups": (nn.Conv2d(6, 4, 1, groups=2), (1, 6, 5, 7)),
        "conv_depthwise": (nn.Conv2d(8, 8, 3, padding=1, groups=8), (1, 8, 10, 37)),
        "conv_depthwise_strided": (nn.Conv2d(8, 8, 5, stride=2, padding=4, dilation=2, groups=8), (1, 8, 11, 13)),
        "conv_transpose": (nn.ConvTranspose2d(6, 4, 4, stride=2, padding=1), (1, 6, 5, 7)),
        "conv_transpose_groups": (nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
                                  (1, 4, 6, 5)),
        "linear": (nn.Linear(10, 7), (3, 10)),
    }
    for name, (m, shape) in cases.items():
        x = torch.randn(shape)
        save(name, m.eval(), input=x, output=m(x))
    bn = nn.Sequential(nn.Conv2d(3, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6))
    randomize(bn, 2)
    x = torch.randn(1, 3, 8, 9)
    save("conv_bn", bn, input=x, output=bn(x))


def functional_fixtures():
    torch.manual_seed(3)
    x = torch.randn(1, 3, 7, 9)
    save("resize", input=x,
         bilinear_up=F.interpolate(x, size=(13, 20), mode="bilinear", align_corners=False),
         bilinear_down=F.interpolate(x, size=(4, 5), mode="bilinear", align_corners=False),
         nearest_up=F.interpolate(x, size=(13, 20), mode="nearest"),
         nearest_down=F.interpolate(x, size=(4, 5), mode="nearest"))
    x = torch.randn(2, 3, 9, 10)
    save("pooling", input=x,
         avg=F.avg_pool2d(x, 3, stride=2, padding=1), max=F.max_pool2d(x, 3, stride=2, padding=1),
         avg2=F.avg_pool2d(x, 2), max2=F.max_pool2d(x, 2), gap=x.mean(dim=(2, 3), keepdim=True))
    x = torch.randn(1, 4, 8, 9) * 4
    save("activations", input=x, relu=F.relu(x), leaky=F.leaky_relu(x, 0.1), silu=F.silu(x), gelu=F.gelu(x),
         sigmoid=torch.sigmoid(x), tanh=torch.tanh(x))
    gn = randomize(nn.GroupNorm(4, 8), 4)
    x = torch.randn(2, 8, 5, 6) * 2 + 1
    save("groupnorm", gn, input=x, output=gn(x))
    z = [torch.randn(1, 8, 1, 1) * 3 for _ in range(3)]
    w = torch.softmax(torch.stack(z, dim=1), dim=1)
    save("branch_softmax", input0=z[0], input1=z[1], input2=z[2], output0=w[:, 0], output1=w[:, 1],
         output2=w[:, 2])
    se = SqueezeExcitation(16, 4).eval()
    x = torch.randn(1, 16, 6, 7)
    save("squeeze_excitation", se, input=x, output=se(x))
    t = torch.tensor([0.0, 1.0, 10.0, 500.0, 999.0])
    save("timestep", t=t, emb32=timestep_embedding(t, 32), emb33=timestep_embedding(t, 33))


def model_fixtures():
    torch.manual_seed(5)
    cell = ConvLSTMCell(4, 6).eval()
    h = c = torch.zeros(1, 6, 9, 10)
    d = {}
    for s in range(4):
        x = torch.randn(1, 4, 9, 10)
        h, c = cell(x, (h, c))
        d[f"x{s}"], d[f"h{s}"] = x, h
    d["c3"] = c
    save("convlstm", cell, **d)
    torch.manual_seed(6)
    unet = randomize(SmallUNet(), 7)
    x, t = torch.randn(1, 3, 16, 16), torch.tensor([37.0])
    save("unet", unet, input=x, t=t, output=unet(x, t))
    torch.manual_seed(8)
    encdec = randomize(EncoderDecoder(), 9)
    x = torch.rand(1, 3, 16, 20)
    save("encdec", encdec, input=x, output=encdec(x))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    with torch.no_grad():
        conv_fixtures()
        functional_fixtures()
        model_fixtures()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} fixtures to {os.path.normpath(OUT)} ({total} bytes)")
