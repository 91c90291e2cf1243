"""Export golden fixtures for the Swift Fusion tests (Tests/FusionTests) as safetensors files.

Writes ``Tests/Fixtures/rehdr/``:

* ``weights.safetensors``: a randomly initialised ``REHDR`` (seed 7), bare ``state_dict`` keys, F16.
  The model computes with the F16-rounded weights, so the Swift loader (F16 -> F32) sees exactly the
  same numbers; F16 keeps the file under 1 MB.
* ``sequence.safetensors`` (F32), working size 32x24, one item:
    ``linear.k`` [1,3,24,32]  linear frames (k = 0, 1, 2)
    ``image.k``  [1,5,24,32]  ``encode_frame(linear.k)``
    ``events.0``, ``events.2`` [1,5,24,32]  raw voxel grids (not normalised; step 1 has no events)
    ``gain.k``   [1,1,24,32]  output of step k, state carried 0 -> 1 -> 2 from zero
    ``gain.reset`` [1,1,24,32]  after a reset: frame 0 again, without events

Deterministic: fixed seeds, one thread, float32. Re-run after changing the model:

    python3 Training/rehdr/export_fixtures.py
"""
import os
import sys

import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import REHDR, encode_frame  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "rehdr")
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
H, W = 24, 32


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(7)
    model = REHDR().eval()
    with torch.no_grad():
        for p in model.parameters():
            # Default init leaves the ConvLSTM/decoder outputs near zero; widen it a little so the
            # golden comparison exercises the whole tanh range, then round to F16.
            p.mul_(1.5)
            p.copy_(p.half().float())
    weights = {k: v.detach().half().contiguous() for k, v in model.state_dict().items()}
    save_file(weights, os.path.join(OUT, "weights.safetensors"), metadata={"fixture": "rehdr-weights"})

    g = torch.Generator().manual_seed(11)
    seq = {}
    frames = []
    for k in range(3):
        # Mix of crushed (< 0.01), mid-tone and clipped (> 0.8) pixels.
        lin = torch.rand(1, 3, H, W, generator=g) ** 3 * 1.4
        seq[f"linear.{k}"] = lin
        seq[f"image.{k}"] = encode_frame(lin)
        frames.append(seq[f"image.{k}"])
    events = {0: torch.randn(1, 5, H, W, generator=g) * 3.7,
              2: torch.randn(1, 5, H, W, generator=g).clamp(-1, 1) * 0.25}
    for k, v in events.items():
        seq[f"events.{k}"] = v
    with torch.no_grad():
        state = model.initial_state(1, H, W)
        for k in range(3):
            gain, state = model(frames[k], events.get(k), state)
            seq[f"gain.{k}"] = gain
        gain, _ = model(frames[0], None, model.initial_state(1, H, W))
        seq["gain.reset"] = gain
    seq = {k: v.detach().float().contiguous() for k, v in seq.items()}
    save_file(seq, os.path.join(OUT, "sequence.safetensors"), metadata={"fixture": "rehdr-sequence"})
    for k in ("gain.0", "gain.1", "gain.2", "gain.reset"):
        t = seq[k]
        print(f"{k}: min {t.min():.4f} max {t.max():.4f} mean {t.mean():.4f}")


if __name__ == "__main__":
    main()
