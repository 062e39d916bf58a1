#!/usr/bin/env bash
# Time to a fixed test accuracy on fashion-mnist, millrace's Java backend beside PyTorch (issue 15's
# protocol): MLP 784-512-512-10 (ReLU), Adam 1e-3 (eps 1e-7), batch 1024, pixels / 255; both sides
# start from the SAME initial weights (millrace's He/Glorot-uniform draw, written to a file the peer
# loads) and train on the SAME batches (millrace's per-epoch order, written to a file); the 10,000
# test images are evaluated after every epoch inside the timed loop on both sides. Neither side
# warms up: the clock starts after the data is loaded, so millrace's JIT compile time counts.
# The peer runs as in run.sh (peer.bash: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset in its command
# only, glibc's malloc keeping freed tensors, OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set together,
# its BLAS checked to be OpenBLAS); 1 and 2 threads; interleaved; median, min, max of the reps.
#   benchmarks/trainer/time_to_accuracy.sh [repetitions=5] [epochs=4] [target=0.86] [fashion-mnist dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-5}; epochs=${2:-4}; target=${3:-0.86}; data=${4:-../shared/data/fashion-mnist}
mvn -B -o -q -pl components/trainer -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="components/trainer/target/test-classes:components/trainer/target/classes:$(cat components/trainer/target/bench-classpath.txt)"
source benchmarks/millrace-jvm.bash
echo "cpu: $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ //'), $(nproc) cores;" \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
source benchmarks/trainer/peer.bash
peer_check
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
for rep in $(seq "$reps"); do
  for t in 1 2; do
    LD_PRELOAD="$jsig_preload" OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t java "${millrace_jit_flags[@]}" --add-modules=jdk.incubator.vector -Dthreads="$t" -cp "$cp" \
      org.millrace.trainer.bench.TrainerBenchmark tta "$data" "$epochs" "$target" "$out/share" 2>/dev/null \
      | tee -a "$out/millrace-$t.log" | grep 'time to' >> "$out/millrace-$t.txt"
    peer "$t" /usr/bin/python3 \
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
