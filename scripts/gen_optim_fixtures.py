"""Writes tests/fixtures/optim_steps.txt: the first three updates of each of
the book's optimizers (common/optimizer.py, transcribed below with numpy) on a
fixed tiny problem, in float64, as exact bit patterns.

    python3 scripts/gen_optim_fixtures.py

The Rust test tests/optim.rs reads the file; it never runs Python.
"""
import os
import numpy as np


class SGD:
    def __init__(self, lr=0.01): self.lr = lr
    def update(self, params, grads):
        for i in range(len(params)):
            params[i] -= self.lr * grads[i]


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None
    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.v[i] = self.momentum * self.v[i] - self.lr * grads[i]
            params[i] += self.v[i]


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None
    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.v[i] *= self.momentum
            self.v[i] -= self.lr * grads[i]
            params[i] += self.momentum * self.momentum * self.v[i]
            params[i] -= (1 + self.momentum) * self.lr * grads[i]


class AdaGrad:
    def __init__(self, lr=0.01): self.lr, self.h = lr, None
    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.h[i] += grads[i] * grads[i]
            params[i] -= self.lr * grads[i] / (np.sqrt(self.h[i]) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr, self.decay_rate, self.h = lr, decay_rate, None
    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.h[i] *= self.decay_rate
            self.h[i] += (1 - self.decay_rate) * grads[i] * grads[i]
            params[i] -= self.lr * grads[i] / (np.sqrt(self.h[i]) + 1e-7)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter, self.m, self.v = 0, None, None
    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
        for i in range(len(params)):
            self.m[i] += (1 - self.beta1) * (grads[i] - self.m[i])
            self.v[i] += (1 - self.beta2) * (grads[i]**2 - self.v[i])
            params[i] -= lr_t * self.m[i] / (np.sqrt(self.v[i]) + 1e-7)


def clip_grads(grads, max_norm):
    total_norm = 0
    for grad in grads:
        total_norm += np.sum(grad ** 2)
    total_norm = np.sqrt(total_norm)
    rate = max_norm / (total_norm + 1e-6)
    if rate < 1:
        for grad in grads:
            grad *= rate


def hexs(a):
    return " ".join("%016x" % v for v in np.ascontiguousarray(a, dtype=np.float64).view(np.uint64).ravel())


def main():
    rs = np.random.RandomState(7)
    p0 = [rs.randn(2, 3), rs.randn(1, 3)]
    gseq = [[rs.randn(2, 3), rs.randn(1, 3)] for _ in range(3)]
    out = ["# optimizer steps: name step param_index then 16-hex-digit float64 bits (row-major)",
           "# initial params and the three gradient sets come first"]
    for i, p in enumerate(p0):
        out.append("init %d %d %d %s" % (i, p.shape[0], p.shape[1], hexs(p)))
    for s, gs in enumerate(gseq):
        for i, g in enumerate(gs):
            out.append("grad %d %d %s" % (s, i, hexs(g)))
    opts = [("sgd", SGD()), ("sgd_lr1", SGD(lr=1.0)), ("momentum", Momentum()),
            ("nesterov", Nesterov()), ("adagrad", AdaGrad()), ("rmsprop", RMSprop()),
            ("adam", Adam()), ("adam_lr01", Adam(lr=0.1))]
    for name, opt in opts:
        params = [p.copy() for p in p0]
        for s, gs in enumerate(gseq):
            opt.update(params, [g.copy() for g in gs])
            for i, p in enumerate(params):
                out.append("step %s %d %d %s" % (name, s, i, hexs(p)))
    # clip_grads: one set clipped (norm above max), one not.
    for max_norm in (0.5, 100.0):
        gs = [g.copy() for g in gseq[0]]
        clip_grads(gs, max_norm)
        for i, g in enumerate(gs):
            out.append("clip %r %d %s" % (max_norm, i, hexs(g)))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "optim_steps.txt")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote", os.path.normpath(path), "numpy", np.__version__)


if __name__ == "__main__":
    main()
