"""Prints the BLAS and kernel the peer (PyTorch) runs, and exits non-zero unless its BLAS calls go to
OpenBLAS. Run through peer.bash's peer function, so that it sees the peer's environment."""
import torch, threadpoolctl

print("  torch", torch.__version__, "|", " ".join(
    l.strip() for l in torch.__config__.show().splitlines() if "BLAS" in l or "CPU capability" in l))
for p in threadpoolctl.threadpool_info():
    print("  threadpoolctl:", p.get("internal_api"), p.get("version"), "kernel", p.get("architecture"),
          "threads", p.get("num_threads"))
torch.rand(64, 64) @ torch.rand(64, 64)  # loads the BLAS
# Debian links torch to the libblas.so.3 alternative: without libopenblas0-pthread, or with the
# alternative set to it, that is the reference BLAS, a peer many times slower than at its best
# (threadpoolctl still lists OpenBLAS then: the LAPACK alternative loads it).
blas = sorted({l.split()[-1] for l in open("/proc/self/maps") if "libblas.so" in l})
print("  libblas.so.3 mapped from:", " ".join(blas))
if not blas or not all("openblas" in path for path in blas):
    raise SystemExit("the peer does not run OpenBLAS for BLAS calls: install libopenblas0-pthread and select it"
                     " (update-alternatives --config libblas.so.3-x86_64-linux-gnu)")
