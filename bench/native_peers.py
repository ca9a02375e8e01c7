"""bench/native_peers.py: the native column, NumPy and PyTorch on this CPU.

Spawned by bench/native-peers.mjs with Debian's /usr/bin/python3, one BLAS
thread (OPENBLAS_NUM_THREADS=1, torch.set_num_threads(1)). Reads the inputs
the bench wrote (float32 / int32 little-endian files in DIR) and either

  check DIR   writes the outputs the bench checks against its float64
              reference: the MLP's forward at batch 256 from NumPy
              (x @ W + b, ReLU) and from PyTorch (eval mode, no_grad), and
              the parameters after one PyTorch SGD step (lr 0.01, dropout
              p = 0) at batch 64 with its loss;
  time DIR    times every cell (warm-up, samples of >= 20 ms, median of 15)
              and prints them as JSON.

Either way the first line of stdout is one JSON document. The lesson MLP is
784-256 ReLU Dropout(0.5) 256-128 ReLU Dropout(0.3) 128-10.
"""
import json
import os
import sys
import time

WIDTHS = [784, 256, 128, 10]


def versions():
    out = {"python": sys.version.split()[0]}
    try:
        import numpy as np
        out["numpy"] = np.__version__
    except Exception as e:  # noqa: BLE001 - reported, not raised
        out["numpy_error"] = f"{type(e).__name__}: {e}"
    try:
        import torch
        torch.set_num_threads(1)
        out["torch"] = torch.__version__
        out["torch_threads"] = torch.get_num_threads()
        cap = [l.strip() for l in torch.__config__.show().splitlines() if "CPU capability" in l]
        out["torch_cpu_capability"] = cap[0] if cap else "unknown"
        blas = [l.strip() for l in torch.__config__.show().splitlines() if "BLAS_INFO" in l]
        out["torch_blas_info"] = blas[0].split("BLAS_INFO=")[1].split(",")[0] if blas else "unknown"
    except Exception as e:  # noqa: BLE001
        out["torch_error"] = f"{type(e).__name__}: {e}"
    out["blas"] = blas_info()
    return out


def blas_info():
    """Which BLAS library is mapped into this process and, for OpenBLAS, its core and threads."""
    import ctypes
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                p = line.split()[-1]
                if "blas" in os.path.basename(p) or "lapack" in os.path.basename(p):
                    libs.add(os.path.realpath(p))
    except OSError:
        pass
    info = {"libraries": sorted(libs)}
    for p in sorted(libs):
        if "openblas" not in p:
            continue
        try:
            lib = ctypes.CDLL(p)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            info["openblas_core"] = lib.openblas_get_corename().decode()
            info["openblas_config"] = lib.openblas_get_config().decode().strip()
            info["openblas_threads"] = lib.openblas_get_num_threads()
        except Exception as e:  # noqa: BLE001
            info["openblas_error"] = str(e)
    return info


def load(d, name, dtype, shape):
    import numpy as np
    return np.fromfile(os.path.join(d, name), dtype=dtype).reshape(shape)


def inputs(d):
    import numpy as np
    meta = json.load(open(os.path.join(d, "meta.json")))
    x = load(d, "x.f32", np.float32, (meta["rows"], 784))
    y = load(d, "labels.i32", np.int32, (meta["rows"],))
    params = []
    for l in range(3):
        k, n = WIDTHS[l], WIDTHS[l + 1]
        params.append((load(d, f"W{l}.f32", np.float32, (k, n)), load(d, f"b{l}.f32", np.float32, (n,))))
    return meta, x, y, params


def numpy_forward(params):
    import numpy as np
    (W0, b0), (W1, b1), (W2, b2) = params

    def fwd(x):  # the lesson's x @ W + b, ReLU between
        h = np.maximum(x @ W0 + b0, 0)
        h = np.maximum(h @ W1 + b1, 0)
        return h @ W2 + b2
    return fwd


def torch_model(params, drop=(0.5, 0.3)):
    import torch
    from torch import nn
    lins = []
    for l, (W, b) in enumerate(params):
        lin = nn.Linear(WIDTHS[l], WIDTHS[l + 1])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T.copy()))  # torch keeps W as [out, in]
            lin.bias.copy_(torch.from_numpy(b.copy()))
        lins.append(lin)
    return nn.Sequential(lins[0], nn.ReLU(), nn.Dropout(drop[0]), lins[1], nn.ReLU(), nn.Dropout(drop[1]), lins[2])


def torch_trainer(params, opt_name, lr, drop=(0.5, 0.3)):
    import torch
    import torch.nn.functional as F
    model = torch_model(params, drop)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=lr) if opt_name == "sgd" else torch.optim.Adam(model.parameters(), lr=lr)

    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return model, step


def time_cell(fn, sample_ms=20.0, samples=15, warmup_ms=150.0):
    t0 = time.perf_counter()
    while (time.perf_counter() - t0) * 1000 < warmup_ms:
        fn()
    reps = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        el = (time.perf_counter() - t0) * 1000
        if el >= sample_ms / 4 or reps >= 1 << 20:
            break
        reps *= 2
    reps = max(1, int(-(-sample_ms // (el / reps))))
    out = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        out.append((time.perf_counter() - t0) * 1000 / reps)
    s = sorted(out)
    return {"median_ms": s[len(s) // 2], "min_ms": s[0], "reps": reps, "samples": out}


def main():
    mode, d = sys.argv[1], sys.argv[2]
    info = versions()
    meta, x, y, params = inputs(d)
    res = {"info": info, "mode": mode}
    have_np = "numpy" in info
    have_torch = "torch" in info
    if not have_np:
        res["numpy_error"] = info.get("numpy_error")
    if not have_torch:
        res["torch_error"] = info.get("torch_error")
    if mode == "check":
        if have_np:
            numpy_forward(params)(x).astype("<f4").tofile(os.path.join(d, "out-numpy.f32"))
        if have_torch:
            import torch
            m = torch_model(params).eval()
            with torch.no_grad():
                m(torch.from_numpy(x)).numpy().astype("<f4").tofile(os.path.join(d, "out-torch.f32"))
            model, step = torch_trainer(params, "sgd", meta["lr"]["sgd"], (0.0, 0.0))
            b = meta["check_batch"]
            loss = step(torch.from_numpy(x[:b]), torch.from_numpy(y[:b].astype("int64")))
            res["torch_step_loss"] = float(loss.item())
            with open(os.path.join(d, "out-torch-step.f32"), "wb") as f:
                for lin in (model[0], model[3], model[6]):
                    f.write(lin.weight.detach().numpy().T.astype("<f4").tobytes())
                    f.write(lin.bias.detach().numpy().astype("<f4").tobytes())
    else:
        cells = {}
        for b in meta["batches"]:
            xb, yb = x[:b].copy(), y[:b].astype("int64")
            row = {}
            if have_np:
                fwd = numpy_forward(params)
                row["numpy_fwd"] = time_cell(lambda: fwd(xb))
            if have_torch:
                import torch
                tx, ty = torch.from_numpy(xb), torch.from_numpy(yb)
                m = torch_model(params).eval()

                def tfwd():
                    with torch.no_grad():
                        m(tx)
                row["torch_fwd"] = time_cell(tfwd)
                for opt in ("sgd", "adam"):
                    _, step = torch_trainer(params, opt, meta["lr"][opt])
                    row[f"torch_{opt}"] = time_cell(lambda: step(tx, ty))
            cells[str(b)] = row
        res["cells"] = cells
    print(json.dumps(res))


if __name__ == "__main__":
    main()
