"""PyTorch peer for benchmarks/trainer: the same MLP, batch, optimizer and data as TrainerBenchmark."""
import gzip, sys, time
import numpy as np
import torch

def idx(path, magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    assert int.from_bytes(data[:4], "big") == magic
    if magic == 2051:
        n, r, c = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, r * c).astype(np.float32) / 255
    return np.frombuffer(data, np.uint8, offset=8).astype(np.int64)

def mlp(d, epochs):
    x = torch.from_numpy(idx(f"{d}/train-images-idx3-ubyte.gz", 2051)); y = torch.from_numpy(idx(f"{d}/train-labels-idx1-ubyte.gz", 2049))
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    def epoch(n):
        perm = torch.randperm(n)
        for i in range(0, n, 1024):
            b = perm[i:i + 1024]
            opt.zero_grad(); loss = loss_fn(net(x[b]), y[b]); loss.backward(); opt.step()
        return loss.item()
    epoch(10240)  # warm-up
    t = time.perf_counter()
    for _ in range(epochs):
        last = epoch(len(y))
    s = time.perf_counter() - t
    print(f"pytorch mlp 784-512-512-10 b1024 adam: {len(y) * epochs / s:.0f} samples/s ({torch.get_num_threads()} threads, {epochs} epochs, last loss {last:.4f})")

def matmul(n):
    a = torch.rand(n, n); b = torch.rand(n, n)
    for _ in range(3): a @ b
    reps = max(3, int(2e10 / (2 * n ** 3)))
    t = time.perf_counter()
    for _ in range(reps): a @ b
    s = time.perf_counter() - t
    print(f"pytorch sgemm {n}: {2 * n ** 3 * reps / s / 1e9:.1f} GFLOP/s ({torch.get_num_threads()} threads)")

def digits(path):
    rows = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
    test = rows[::3]; train = np.delete(rows, np.s_[::3], axis=0)
    xt = torch.from_numpy(train[:, :-1] / 16); yt = torch.from_numpy(train[:, -1]).long()
    xs = torch.from_numpy(test[:, :-1] / 16); ys = torch.from_numpy(test[:, -1]).long()
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3); loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(30):
        perm = torch.randperm(len(yt))
        for i in range(0, len(yt), 32):
            b = perm[i:i + 32]; opt.zero_grad(); loss_fn(net(xt[b]), yt[b]).backward(); opt.step()
    with torch.no_grad():
        acc = (net(xs).argmax(1) == ys).float().mean().item()
    print(f"pytorch digits mlp 64-64-10 30 epochs: test accuracy {acc:.4f} ({len(yt)} train, {len(ys)} test)")

def tta(d, epochs, target, share):
    """Time to a test accuracy, the peer of TrainerBenchmark tta: same initial weights, same batches."""
    x = torch.from_numpy(idx(f"{d}/train-images-idx3-ubyte.gz", 2051)); y = torch.from_numpy(idx(f"{d}/train-labels-idx1-ubyte.gz", 2049))
    xs = torch.from_numpy(idx(f"{d}/t10k-images-idx3-ubyte.gz", 2051)); ys = torch.from_numpy(idx(f"{d}/t10k-labels-idx1-ubyte.gz", 2049))
    net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    init = np.fromfile(f"{share}/init.bin", dtype="<f4"); at = 0
    with torch.no_grad():
        for layer in (net[0], net[2], net[4]):  # millrace's kernel is [in][out]; torch's weight is [out][in]
            n_in, n_out = layer.in_features, layer.out_features
            layer.weight.copy_(torch.from_numpy(init[at:at + n_in * n_out].reshape(n_in, n_out).T.copy())); at += n_in * n_out
            layer.bias.copy_(torch.from_numpy(init[at:at + n_out].copy())); at += n_out
    assert at == len(init), (at, len(init))
    orders = torch.from_numpy(np.fromfile(f"{share}/orders.bin", dtype="<i4").astype(np.int64)).view(-1, len(y))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7); loss_fn = torch.nn.CrossEntropyLoss()
    t0 = time.perf_counter(); reached = None; acc = 0.0
    for e in range(epochs):
        perm = orders[e]
        for i in range(0, len(y), 1024):
            b = perm[i:i + 1024]; opt.zero_grad(); loss_fn(net(x[b]), y[b]).backward(); opt.step()
        with torch.no_grad():
            acc = (net(xs).argmax(1) == ys).float().mean().item()
        s = time.perf_counter() - t0
        print(f"pytorch epoch {e + 1}: test accuracy {acc:.4f} at {s:.2f} s")
        if reached is None and acc >= target:
            reached = s
    shown = "not reached" if reached is None else f"{reached:.2f} s"
    print(f"pytorch fashion-mnist time to {target:.2f}: {shown} (final test accuracy {acc:.4f} after {epochs} epochs, {torch.get_num_threads()} threads)")

mode = sys.argv[1]
{"mlp": lambda: mlp(sys.argv[2], int(sys.argv[3])), "matmul": lambda: matmul(int(sys.argv[2])), "digits": lambda: digits(sys.argv[2]),
 "tta": lambda: tta(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])}[mode]()
