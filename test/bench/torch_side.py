#!/usr/bin/env python3
"""torch's column of `npm run bench` part `torch` (test/bench/torch.ts): a line server on stdin/stdout.

First line out: {"torch": version, "threads": 1} (or {"error": ...} when torch cannot be imported).
Then per request line {"fn", "args": [{"file", "shape", "kind": "float"|"int", "grad"}], "config", "dtype",
"budget_ms"}: loads the arrays (raw little-endian float64 written by the bench, the same numbers our core gets),
converts float arguments to `dtype`, integer ones to int64, and times forward + backward of
torch.nn.functional.<fn>(*args, **config) single-threaded: warm-up for a third of the budget (at least 3 calls),
then calls until the budget is spent (at least 3, at most 200). Answers {"ms": median CPU time (time.process_time,
user + system: robust to the other jobs on a shared machine), "runs", "value"}.
The time includes what a training step pays: the autograd graph, the output allocations, the gradient of every
argument marked "grad" (the ones torch differentiates and our core returns).
"""
import json
import sys
import time


def main():
    try:
        import numpy as np
        import torch
        import torch.nn.functional as F
    except Exception as e:  # noqa: BLE001 - any import failure means "no torch column"
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)
        return
    torch.set_num_threads(1)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            print(json.dumps(run(req, np, torch, F)), flush=True)
        except Exception as e:  # noqa: BLE001 - reported as the case's error, the bench goes on
            print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)


def run(req, np, torch, F):
    dtype = torch.float64 if req["dtype"] == "float64" else torch.float32
    args, leaves = [], []
    for a in req["args"]:
        arr = np.fromfile(a["file"], dtype="<f8").reshape(a["shape"])
        t = torch.from_numpy(arr)
        t = t.to(dtype) if a["kind"] == "float" else t.to(torch.int64)
        if a.get("grad"):
            t.requires_grad_(True)
            leaves.append(t)
        args.append(t)
    fn = getattr(F, req["fn"])
    cfg = req.get("config", {})
    budget = req.get("budget_ms", 1000) / 1000.0

    def step():
        for t in leaves:
            t.grad = None
        loss = fn(*args, **cfg)
        loss.backward()
        return loss

    w0 = time.perf_counter()
    k = 0
    while k < 3 or (time.perf_counter() - w0 < budget / 3 and k < 300):
        loss = step()
        k += 1
    runs = []
    t0 = time.perf_counter()
    while len(runs) < 3 or (time.perf_counter() - t0 < budget and len(runs) < 200):
        a = time.process_time()
        loss = step()
        runs.append((time.process_time() - a) * 1000.0)
    runs.sort()
    return {"ms": runs[len(runs) // 2], "runs": len(runs), "value": float(loss.item())}


if __name__ == "__main__":
    main()
