#!/usr/bin/env python3
"""Regenerate the PyTorch fixtures under tests/fixtures/ with torch itself.

Usage: python3 scripts/gen_torch_fixtures.py   (needs torch and safetensors)

For float32 and float64, builds
    nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 4))
with torch's default initialisation (seeded), and writes
  torch_linear_{dtype}.safetensors     its state dict, the keys renamed to
      groundup's parameter names (0.weight -> layers.0.W, 0.bias ->
      layers.0.b, ...), saved by safetensors.torch.save_file with metadata
      {"format": "pt"}: weights (out, in), biases [out];
  torch_linear_io_{dtype}.safetensors  an input x (5, 3) and torch's
      output y = net(x) (5, 4).
tests/io_torch_layout.rs loads the first with WeightLayout::PyTorch and
compares its output on x with y. The files are committed; this script is
only needed to regenerate them.
"""
import os

import torch
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")
RENAME = {"0.weight": "layers.0.W", "0.bias": "layers.0.b", "2.weight": "layers.2.W", "2.bias": "layers.2.b"}


def main():
    torch.manual_seed(10)
    for dtype, name in [(torch.float32, "float32"), (torch.float64, "float64")]:
        net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 4)).to(dtype)
        sd = {RENAME[k]: v.detach().contiguous() for k, v in net.state_dict().items()}
        path = os.path.join(OUT, f"torch_linear_{name}.safetensors")
        save_file(sd, path, metadata={"format": "pt"})
        x = torch.randn(5, 3, dtype=dtype) * 2.0
        with torch.no_grad():
            y = net(x)
        save_file({"x": x.contiguous(), "y": y.contiguous()}, os.path.join(OUT, f"torch_linear_io_{name}.safetensors"))
        shapes = ", ".join(f"{k} {tuple(v.shape)}" for k, v in sd.items())
        print(f"wrote torch_linear_{name}.safetensors ({shapes}) and torch_linear_io_{name}.safetensors")


if __name__ == "__main__":
    main()
