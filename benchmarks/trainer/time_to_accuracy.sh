#!/usr/bin/env bash
# Time to a fixed test accuracy on fashion-mnist, millrace's Java backend beside PyTorch (issue 15's
# protocol): MLP 784-512-512-10 (ReLU), Adam 1e-3 (eps 1e-7), batch 1024, pixels / 255; both sides
# start from the SAME initial weights (millrace's He/Glorot-uniform draw, written to a file the peer
# loads) and train on the SAME batches (millrace's per-epoch order, written to a file); the 10,000
# test images are evaluated after every epoch inside the timed loop on both sides. Neither side
# warms up: the clock starts after the data is loaded, so millrace's JIT compile time counts.
# The peer runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (its command only) and glibc's
# malloc keeping freed tensors (as in run.sh); OMP_NUM_THREADS
# and OPENBLAS_NUM_THREADS set together; 1 and 2 threads; interleaved; median, min, max of the reps.
#   benchmarks/trainer/time_to_accuracy.sh [repetitions=5] [epochs=4] [target=0.86] [fashion-mnist dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-5}; epochs=${2:-4}; target=${3:-0.86}; data=${4:-../shared/data/fashion-mnist}
mvn -B -o -q -pl components/trainer -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="components/trainer/target/test-classes:components/trainer/target/classes:$(cat components/trainer/target/bench-classpath.txt)"
source benchmarks/jsig.bash
echo "cpu: $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ //'), $(nproc) cores;" \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 -c '
import torch, threadpoolctl
import re
config = torch.__config__.show()
print("peer: torch", torch.__version__, "|", " ".join(l.strip() for l in config.splitlines() if "CPU capability" in l), "|",
      " ".join(re.findall(r"BLAS_INFO=\w+", config)))
for p in threadpoolctl.threadpool_info():
    print("  threadpoolctl:", p.get("internal_api"), p.get("version"), "kernel", p.get("architecture"))
torch.rand(64, 64) @ torch.rand(64, 64)  # loads the BLAS
# Debian links torch to the libblas.so.3 alternative: without libopenblas0-pthread, or with the
# alternative set to it, that is the reference BLAS, a peer many times slower than at its best
# (threadpoolctl still lists OpenBLAS then: the LAPACK alternative loads it).
blas = sorted({l.split()[-1] for l in open("/proc/self/maps") if "libblas.so" in l})
print("  libblas.so.3 mapped from:", " ".join(blas))
if not blas or not all("openblas" in path for path in blas):
    raise SystemExit("the peer does not run OpenBLAS for BLAS calls: install libopenblas0-pthread and select it"
                     " (update-alternatives --config libblas.so.3-x86_64-linux-gnu)")
' 2>&1
# As in run.sh: glibc's malloc keeps the peer's freed tensors instead of unmapping them.
peer_malloc="MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=1000000000"
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
for rep in $(seq "$reps"); do
  for t in 1 2; do
    LD_PRELOAD="$jsig_preload" OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t java --add-modules=jdk.incubator.vector -Dthreads="$t" -cp "$cp" \
      org.millrace.trainer.bench.TrainerBenchmark tta "$data" "$epochs" "$target" "$out/share" 2>/dev/null \
      | tee -a "$out/millrace-$t.log" | grep 'time to' >> "$out/millrace-$t.txt"
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $peer_malloc OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t /usr/bin/python3 \
      benchmarks/trainer/torch_bench.py tta "$data" "$epochs" "$target" "$out/share" 2>/dev/null \
      | tee -a "$out/pytorch-$t.log" | grep 'time to' >> "$out/pytorch-$t.txt"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "per-epoch test accuracy, first repetition at 2 threads:"
paste -d'|' <(grep epoch "$out/millrace-2.log" | head -"$epochs") <(grep epoch "$out/pytorch-2.log" | head -"$epochs") | sed 's/^/  /'
/usr/bin/python3 - "$out" "$target" <<'PY'
import re, statistics, sys
out, target = sys.argv[1], sys.argv[2]
def times(side, t):
    v, acc = [], []
    for line in open(f"{out}/{side}-{t}.txt"):
        m = re.search(r"time to [\d.]+: (?:([\d.]+) s|not reached) \(final test accuracy ([\d.]+)", line)
        v.append(float(m.group(1)) if m.group(1) else float("inf")); acc.append(float(m.group(2)))
    return v, acc
for t in (1, 2):
    (mv, ma), (pv, pa) = times("millrace", t), times("pytorch", t)
    mm, pm = statistics.median(mv), statistics.median(pv)
    print(f"time to {target} on fashion-mnist, {t} thread(s): millrace {mm:.2f} s (min {min(mv):.2f}, max {max(mv):.2f},"
          f" final accuracy {statistics.median(ma):.4f}) vs pytorch {pm:.2f} s (min {min(pv):.2f}, max {max(pv):.2f},"
          f" final accuracy {statistics.median(pa):.4f}) = {pm / mm:.2f}x")
PY
