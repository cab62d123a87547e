#!/usr/bin/env python3
"""Times one training step of the chapter-6 LSTM language model of "Deep
Learning from Scratch 2" (ch06/rnnlm.py `Rnnlm`), written in PyTorch (CPU,
float32), as a second reference for our Rust implementation beside
scripts/bench_rnnlm_numpy.py (same sizes, same output format).

    python3 scripts/bench_rnnlm_torch.py                       # D=H=100 and 650, 1 thread
    python3 scripts/bench_rnnlm_torch.py --threads 1,2
    python3 scripts/bench_rnnlm_torch.py --hidden 100 --steps 5   # quick check
    python3 scripts/bench_rnnlm_torch.py --hidden 650 --breakdown # per-phase times too
    python3 scripts/bench_rnnlm_torch.py --mkldnn 0            # ATen's own LSTM kernel

Model: nn.Embedding(V, D) -> nn.LSTM(D, H, batch_first=True), one layer ->
nn.Linear(H, V), i.e. the book's TimeEmbedding / TimeLSTM / TimeAffine.
Weights are drawn after torch.manual_seed(0) with the book's distributions
(embedding N(0,1)/100, LSTM input and recurrent weights N(0,1)/sqrt(D) and
/sqrt(H), affine N(0,1)/sqrt(H), biases 0); nn.LSTM has two bias vectors
(b_ih, b_hh) where the book has one, which changes nothing measurable.
The LSTM is stateful like the book's (truncated BPTT): the (h, c) it
returns is detached and passed in as the initial state of the next step.

What is measured (one "step"):

    logits, state = model(xs, state)              # (batch, time, V)
    loss = F.cross_entropy(logits.reshape(-1, V), ts.reshape(-1))  # mean over batch*time
    opt.zero_grad(); loss.backward()
    clip_grad_norm_(model.parameters(), 0.25)
    opt.step()                                    # SGD(lr=20.0)
    state = (h.detach(), c.detach())

Inputs: xs and ts are int64 (batch, time) tensors drawn uniformly from
[0, V) by a torch.Generator seeded with 1, a fresh batch each step, drawn
outside the timed region.

Timing: 3 warm-up steps (--warmup), then --steps steps each timed alone with
time.perf_counter(); when --steps is not given, enough steps for about
--seconds (default 5) seconds per case, estimated from the last warm-up
step (at least 5). step_ms is the median over the timed steps;
tokens_per_s = batch*time / median step time. mean_ms and min_ms are given
too.

Threads: torch.set_num_threads(N) for each N of --threads (default 1;
a list such as 1,2 runs every case at every count, in this process).
mkldnn=1 in the output means oneDNN was enabled (torch's default), in which
case torch runs a float32 CPU LSTM through oneDNN's RNN primitive;
--mkldnn 0 disables oneDNN (torch.backends.mkldnn.enabled = False) and uses
ATen's generic LSTM cell loop instead.

Output: one line per case on stdout, for example

    impl=torch D=100 H=100 V=10000 batch=20 time=35 threads=1 step_ms=... tokens_per_s=... steps=... mean_ms=... min_ms=... mkldnn=1 loss=9.2103

(loss is that of the last timed step, a sanity check only). Lines starting
with '#' go to stderr. --breakdown adds a line per case
`impl=torch ... phase=<name> ms=<median>` for forward (model + loss),
backward (zero_grad + loss.backward), clip and sgd, timed in a separate run
of the same number of steps.
"""
import argparse
import statistics
import sys
import time


def int_list(s):
    return [int(v) for v in s.split(",") if v]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, default=20)
    p.add_argument("--time", type=int, default=35)
    p.add_argument("--vocab", type=int, default=10000)
    p.add_argument("--hidden", type=int_list, default=[100, 650],
                   help="comma-separated hidden sizes H, one case each (default 100,650)")
    p.add_argument("--wordvec", type=int_list, default=None,
                   help="comma-separated wordvec sizes D, paired with --hidden (default D=H)")
    p.add_argument("--threads", type=int_list, default=[1],
                   help="torch.set_num_threads values, comma-separated (default 1)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=None,
                   help="timed steps per case (default: about --seconds worth)")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--mkldnn", type=int, choices=[0, 1], default=1,
                   help="1: torch default (oneDNN on); 0: oneDNN disabled")
    p.add_argument("--breakdown", action="store_true",
                   help="also time forward/backward/clip/sgd (a separate run)")
    a = p.parse_args()
    if a.wordvec is None:
        a.wordvec = list(a.hidden)
    if len(a.wordvec) == 1 and len(a.hidden) > 1:
        a.wordvec = a.wordvec * len(a.hidden)
    if len(a.wordvec) != len(a.hidden):
        p.error("--wordvec needs one value or as many as --hidden")
    return a


args = parse_args()

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class Rnnlm(nn.Module):
    def __init__(self, V, D, H):
        super().__init__()
        self.embed = nn.Embedding(V, D)
        self.lstm = nn.LSTM(D, H, num_layers=1, batch_first=True)
        self.affine = nn.Linear(H, V)
        with torch.no_grad():
            self.embed.weight.normal_().div_(100)
            self.lstm.weight_ih_l0.normal_().div_(D ** 0.5)
            self.lstm.weight_hh_l0.normal_().div_(H ** 0.5)
            self.lstm.bias_ih_l0.zero_()
            self.lstm.bias_hh_l0.zero_()
            self.affine.weight.normal_().div_(H ** 0.5)
            self.affine.bias.zero_()

    def forward(self, xs, state):
        hs, state = self.lstm(self.embed(xs), state)
        return self.affine(hs), state


def run_case(D, H, threads):
    torch.set_num_threads(threads)
    V, B, T = args.vocab, args.batch, args.time
    torch.manual_seed(0)
    model = Rnnlm(V, D, H)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=20.0)
    params = list(model.parameters())
    gen = torch.Generator().manual_seed(1)
    state = [(torch.zeros(1, B, H), torch.zeros(1, B, H))]

    def batch():
        xs = torch.randint(0, V, (B, T), generator=gen, dtype=torch.int64)
        ts = torch.randint(0, V, (B, T), generator=gen, dtype=torch.int64)
        return xs, ts

    def step(xs, ts):
        logits, (h, c) = model(xs, state[0])
        loss = F.cross_entropy(logits.reshape(-1, V), ts.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 0.25)
        opt.step()
        state[0] = (h.detach(), c.detach())
        return loss

    def step_phases(xs, ts, acc):
        clock = time.perf_counter
        t0 = clock()
        logits, (h, c) = model(xs, state[0])
        loss = F.cross_entropy(logits.reshape(-1, V), ts.reshape(-1))
        t1 = clock()
        opt.zero_grad()
        loss.backward()
        t2 = clock()
        torch.nn.utils.clip_grad_norm_(params, 0.25)
        t3 = clock()
        opt.step()
        t4 = clock()
        state[0] = (h.detach(), c.detach())
        for name, dt in (("forward", t1 - t0), ("backward", t2 - t1),
                         ("clip", t3 - t2), ("sgd", t4 - t3)):
            acc.setdefault(name, []).append(dt)

    last = None
    for _ in range(args.warmup):
        xs, ts = batch()
        t0 = time.perf_counter()
        step(xs, ts)
        last = time.perf_counter() - t0
    n = args.steps
    if n is None:
        n = max(5, int(round(args.seconds / last))) if last else 5
    times = []
    loss = torch.tensor(float("nan"))
    for _ in range(n):
        xs, ts = batch()
        t0 = time.perf_counter()
        loss = step(xs, ts)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    head = "impl=torch D=%d H=%d V=%d batch=%d time=%d threads=%d" % (D, H, V, B, T, threads)
    print("%s step_ms=%.3f tokens_per_s=%.1f steps=%d mean_ms=%.3f min_ms=%.3f "
          "mkldnn=%d loss=%.4f" % (head, med * 1e3, B * T / med, n,
                                   statistics.mean(times) * 1e3, min(times) * 1e3,
                                   int(torch.backends.mkldnn.enabled), loss.item()),
          flush=True)
    if args.breakdown:
        acc = {}
        for _ in range(n):
            xs, ts = batch()
            step_phases(xs, ts, acc)
        total = sum(statistics.median(v) for v in acc.values())
        for name, v in acc.items():
            m = statistics.median(v)
            print("%s phase=%s ms=%.3f share=%.1f%%" % (head, name, m * 1e3, 100 * m / total),
                  flush=True)


torch.backends.mkldnn.enabled = bool(args.mkldnn)
print("# torch %s, %s" % (torch.__version__,
                          torch.__config__.parallel_info().splitlines()[-1].strip()),
      file=sys.stderr, flush=True)
for threads in args.threads:
    for D, H in zip(args.wordvec, args.hidden):
        run_case(D, H, threads)
