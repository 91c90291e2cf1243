"""Export golden fixtures for the Swift Diffusion tests (Tests/DiffusionTests) as safetensors files.

Writes ``Tests/Fixtures/diffusion/``:

* ``weights.safetensors``: a randomly initialised ``DiffusionUNet`` with widths 8/16/16 (seed 7),
  bare ``state_dict`` keys, F16 (the model computes with the F16-rounded weights, so the Swift loader
  sees the same numbers), metadata ``widths`` = "8,16,16"; ~150 KB.
* ``cases.safetensors`` (F32), tiles 16x16:
    ``x.k`` [1,3,16,16], ``cond.k`` [1,12,16,16], ``t.k`` [1], ``v.k`` [1,3,16,16]  UNet forward,
        k = 0, 1 without reference (t 999, 500), k = 2 with the reference (t 37);
    ``ref.image`` [3,128,136] linear HDR still, ``ref.emb`` [1,128] its embedding;
    ``ddim.fill`` [1,3,16,16], ``ddim.cond`` [1,12,16,16], ``ddim.x0`` [1,3,16,16]: DDIM with steps 2,
        eta 0.5, strength 0.6, seed 5, tile (3, 2), no reference; ``ddim.x0ref``: same with the reference;
    ``noise`` [3,16,16]: tile_noise(seed 5, tile (3, 2), draw 1); ``alpha_bar`` [1000] (F32 of float64).

Deterministic: fixed seeds, one thread, float32. Re-run after changing the model:

    python3 -m Training.diffusion.export_fixtures
"""
import os

import torch
from safetensors.torch import save_file

from Training.diffusion.model import COND, DiffusionUNet
from Training.diffusion.schedule import ALPHA_BAR, ddim_sample, tile_noise

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "diffusion")
S = 16


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(7)
    model = DiffusionUNet((8, 16, 16)).eval()
    with torch.no_grad():
        for p in model.parameters():
            # Default init leaves the output near zero; widen it so the comparison sees real values.
            p.mul_(1.5)
            p.copy_(p.half().float())
    weights = {k: v.detach().half().contiguous() for k, v in model.state_dict().items()}
    save_file(weights, os.path.join(OUT, "weights.safetensors"), metadata={"fixture": "diffusion-weights",
                                                                           "widths": "8,16,16"})
    g = torch.Generator().manual_seed(11)
    cases = {}
    ref_image = torch.rand(1, 3, 128, 136, generator=g) ** 4 * 40.0
    with torch.no_grad():
        ref = model.encode_reference(ref_image)
        for k, (t, use_ref) in enumerate(((999, False), (500, False), (37, True))):
            x = torch.randn(1, 3, S, S, generator=g)
            cond = torch.rand(1, COND, S, S, generator=g) * 2 - 1
            v = model(x, torch.tensor([float(t)]), cond, ref if use_ref else None)
            cases.update({f"x.{k}": x, f"cond.{k}": cond, f"t.{k}": torch.tensor([float(t)]), f"v.{k}": v})
        cases["ref.image"] = ref_image[0]
        cases["ref.emb"] = ref
        fill = torch.rand(1, 3, S, S, generator=g) * 1.2 - 0.6
        cond = torch.rand(1, COND, S, S, generator=g)
        cond[:, 0:3] = fill
        cases["ddim.fill"], cases["ddim.cond"] = fill, cond
        for name, r in (("ddim.x0", None), ("ddim.x0ref", ref)):
            cases[name] = ddim_sample(model, fill, cond, r, steps=2, eta=0.5, strength=0.6, seed=5, tiles=[(3, 2)])
    cases["noise"] = torch.from_numpy(tile_noise(5, 3, 2, 1, (3, S, S)))
    cases["alpha_bar"] = torch.from_numpy(ALPHA_BAR).float()
    cases = {k: v.detach().float().contiguous() for k, v in cases.items()}
    save_file(cases, os.path.join(OUT, "cases.safetensors"), metadata={"fixture": "diffusion-cases"})
    for k in ("v.0", "v.1", "v.2", "ref.emb", "ddim.x0", "ddim.x0ref", "noise"):
        t = cases[k]
        print(f"{k}: min {t.min():.4f} max {t.max():.4f} mean {t.mean():.4f}")


if __name__ == "__main__":
    main()
