# Sourced by the trainer's CPU benchmarks: how the peer (PyTorch) runs, at its best.
# - OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (which these machines set, pinning OpenBLAS to slower
#   kernels) are unset in the peer's command only;
# - glibc hands each large freed block back to the OS and maps the next one afresh, so a training
#   step of PyTorch's page-faults its tensors in every time (PyTorch's CPU tuning guide recommends
#   jemalloc or tcmalloc for this); these thresholds keep freed tensors in the heap: the peer's CNN
#   ran at 2,670 samples/s with them against 1,580-1,850 without, at one thread (2026-12-05);
# - OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set together.
#   peer <threads> <command...>     runs a command as the peer
#   peer_check                      prints the peer's BLAS and kernel; fails unless it is OpenBLAS
peer_malloc="MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=1000000000"
peer() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $peer_malloc OMP_NUM_THREADS="$1" OPENBLAS_NUM_THREADS="$1" "${@:2}"; }
peer_check() {
  echo "peer's BLAS (its environment: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, $peer_malloc):"
  peer 1 /usr/bin/python3 benchmarks/trainer/peer_check.py 2>&1
}
