"""PyTorch's figures for the shapes of DeviceBenchmark: sgemm GFLOP/s and MLP training samples/s
(Adam, random data, fp32), on CUDA when there is a GPU, else on the CPU."""
import sys
import time

import torch

dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 50
sizes = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "1024,2048,4096").split(",")]
torch.backends.cuda.matmul.allow_tf32 = False
print("device:", torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu (%d threads)" % torch.get_num_threads())


def sync():
    if dev.type == "cuda":
        torch.cuda.synchronize()


for n in sizes:
    a = torch.rand(n, n, device=dev)
    b = torch.rand(n, n, device=dev)
    a @ b
    sync()
    reps = max(2, min(50, int(4e10 / (2.0 * n ** 3))))
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    sync()
    s = time.perf_counter() - t0
    print("pytorch sgemm %d: %.1f GFLOP/s" % (n, 2.0 * n ** 3 * reps / s / 1e9))

for hidden, batch in [(512, 1024), (2048, 4096), (256, 128)]:
    model = torch.nn.Sequential(torch.nn.Linear(784, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, hidden),
                                torch.nn.ReLU(), torch.nn.Linear(hidden, 10)).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    x = torch.rand(steps * batch, 784)
    y = torch.randint(0, 10, (steps * batch,))
    loss_fn = torch.nn.CrossEntropyLoss()

    def run(count):
        total = 0.0
        for i in range(count):
            xb = x[i * batch:(i + 1) * batch].to(dev, non_blocking=True)
            yb = y[i * batch:(i + 1) * batch].to(dev, non_blocking=True)
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total = loss
        sync()
        return float(total)

    run(3)
    t0 = time.perf_counter()
    last = run(steps)
    s = time.perf_counter() - t0
    print("pytorch mlp 784-%d-%d-10 b%d adam: %.0f samples/s (%d steps, loss %.4f)" % (hidden, hidden, batch,
                                                                                     steps * batch / s, steps, last))
