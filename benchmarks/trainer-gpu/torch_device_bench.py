"""PyTorch's figures for the shapes of DeviceBenchmark: sgemm GFLOP/s, MLP and CNN training
samples/s (Adam, random data, fp32: TF32 off for matrix products and convolutions), the cost of one
launch and the copy rate, on CUDA when there is a GPU, else on the CPU."""
import sys
import time

import torch

dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 50
sizes = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "1024,2048,4096").split(",")]
# Which parts run (all by default), named as DeviceBenchmark's: sgemm, launch, mlp512, mlp2048, mlp256, cnn.
parts = set((sys.argv[3] if len(sys.argv) > 3 else "sgemm,launch,mlp512,mlp2048,mlp256,cnn").split(","))
# Untimed products and steps before each timed part (the 4th argument; 1 product and 3 steps by default).
# On these VMs a fresh process's first half second to a second runs slow (sgemm 2048 at two threads:
# 107-178 GFLOP/s for most of its first 5-9 products, then mostly 300-370): a CPU comparison warms both sides alike.
warmup = int(sys.argv[4]) if len(sys.argv) > 4 else None
# The work each timed sgemm figure takes, in FLOP (the 5th argument; 4e10 by default, as DeviceBenchmark's
# -DtimedFlop): 2 to 200 products of that size.
timed_flop = float(sys.argv[5]) if len(sys.argv) > 5 else 4e10
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.backends.cudnn.benchmark = True
print("device:", torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu (%d threads)" % torch.get_num_threads(),
      "torch", torch.__version__)


def sync():
    if dev.type == "cuda":
        torch.cuda.synchronize()


for n in sizes if "sgemm" in parts else []:
    a = torch.rand(n, n, device=dev)
    b = torch.rand(n, n, device=dev)
    for _ in range(warmup or 1):
        a @ b
    sync()
    reps = max(2, min(200, int(timed_flop / (2.0 * n ** 3))))
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    sync()
    s = time.perf_counter() - t0
    print("pytorch sgemm %d: %.1f GFLOP/s" % (n, 2.0 * n ** 3 * reps / s / 1e9))

if dev.type == "cuda" and "launch" in parts:
    one = torch.zeros(1, device=dev)
    for _ in range(200):
        one.fill_(1.0)
    sync()
    t0 = time.perf_counter()
    for _ in range(2000):
        one.fill_(1.0)
    sync()
    print("pytorch launch: %.1f us per launch (2000 one-value fills, asynchronous)" % ((time.perf_counter() - t0) / 2000 * 1e6))
    t0 = time.perf_counter()
    for _ in range(2000):
        one.fill_(1.0)
        sync()
    print("pytorch launch: %.1f us per launch (2000 one-value fills, each synchronized)"
          % ((time.perf_counter() - t0) / 2000 * 1e6))
    for pinned in (False, True):
        host = torch.zeros(1 << 24, pin_memory=pinned)
        d = torch.empty(1 << 24, device=dev)
        d.copy_(host)
        host.copy_(d)
        sync()
        t0 = time.perf_counter()
        for _ in range(5):
            d.copy_(host)
        sync()
        up = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(5):
            host.copy_(d)
        sync()
        down = time.perf_counter() - t0
        print("pytorch copy 64 MB (%s): host->device %.2f GB/s, device->host %.2f GB/s"
              % ("pinned" if pinned else "pageable", 5 * 4.0 * (1 << 24) / up / 1e9, 5 * 4.0 * (1 << 24) / down / 1e9))


def cifar_cnn():
    return torch.nn.Sequential(torch.nn.Conv2d(3, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                               torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                               torch.nn.Conv2d(64, 64, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                               torch.nn.Linear(64 * 4 * 4, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))


def mlp(hidden):
    return torch.nn.Sequential(torch.nn.Linear(784, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, hidden),
                               torch.nn.ReLU(), torch.nn.Linear(hidden, 10))


networks = [("mlp512", "mlp 784-512-512-10 b1024", lambda: mlp(512), (784,), 1024),
            ("mlp2048", "mlp 784-2048-2048-10 b4096", lambda: mlp(2048), (784,), 4096),
            ("mlp256", "mlp 784-256-256-10 b128", lambda: mlp(256), (784,), 128),
            ("cnn", "cnn cifar 32x32x3 conv32-64-64 dense64 b64", cifar_cnn, (3, 32, 32), 64)]
for part, label, make, shape, batch in networks:
    if part not in parts:
        continue
    # On the CPU the set is in host memory either way: one variant.
    for resident in ((False, True) if dev.type == "cuda" else (False,)):
        # Batches copied from host memory each step (a DataLoader's way), then the whole set on the device.
        torch.manual_seed(0)
        model = make().to(dev)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        x = torch.rand(steps * batch, *shape)
        y = torch.randint(0, 10, (steps * batch,))
        if resident:
            x = x.to(dev)
            y = y.to(dev)
        loss_fn = torch.nn.CrossEntropyLoss()

        def run(count):
            total = 0.0
            for i in range(count):
                j = i % steps
                xb = x[j * batch:(j + 1) * batch].to(dev, non_blocking=True)
                yb = y[j * batch:(j + 1) * batch].to(dev, non_blocking=True)
                opt.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                opt.step()
                total = loss
            sync()
            return float(total)

        run(warmup or 3)
        t0 = time.perf_counter()
        last = run(steps)
        s = time.perf_counter() - t0
        print("pytorch %s adam: %.0f samples/s (%d steps, loss %.4f, %s)" % (label, steps * batch / s, steps, last,
              ("data on the device" if resident else "batches from host memory") if dev.type == "cuda" else "cpu"))
