#!/usr/bin/env bash
# The trainer's CPU figures, millrace's Java backend beside PyTorch, by a protocol that cannot
# flatter us (issue 15):
#   benchmarks/trainer/run.sh [repetitions=5] [steps=20]
# - the peer runs at its best: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (which these machines set,
#   pinning OpenBLAS to slower kernels) are unset in the peer's command only, and the script prints
#   the BLAS and kernel the peer runs (torch.__config__, threadpoolctl, the libblas it maps) and
#   stops unless its BLAS calls go to OpenBLAS; glibc's malloc keeps freed tensors instead of
#   unmapping them (peer.bash);
# - OMP_NUM_THREADS and OPENBLAS_NUM_THREADS are set together, both sides at 1 and 2 threads;
# - the two sides run interleaved (millrace then PyTorch, per thread count, per repetition), each
#   in a fresh process, the same work: sgemm 1024 and 2048; MLP 784-512-512-10 b1024 and the
#   CIFAR-shape CNN (Conv2D 32/64/64 3x3, MaxPool 2x2, Dense 64, 32x32x3, b64), Adam, fp32, random
#   data held in host memory; both sides warm up 50 steps and 50 products before they are timed
#   (millrace's C2 compiles its vector kernels 2-5 s into a run, and until then they run
#   interpreted; PyTorch's native code needs no JIT, but a fresh process on these machines runs
#   slow for its first half second to a second: its sgemm 2048 at two threads ran 107-178 GFLOP/s
#   for most of its first 5-9 products, then mostly 300-370, so with the 1 product and 3 steps it had before it
#   was timed in that slow start in most runs, and millrace's sgemm looked ahead when it was not);
#   both sides time the steps that follow their warm-up steps in the same loop (millrace's warm-up
#   and timed steps are one training run, as the peer's are one loop; before 2026-12-06 20:10 UTC
#   they were two runs, and millrace's figure, its first step left out, still counted the first
#   steps after the warm-up run's evaluation of one row, which ran at half speed while the JIT
#   compiled again the code that evaluation had deoptimized). The cost of the warm-up is counted
#   where it belongs, in the time to accuracy (time_to_accuracy.sh), whose clock includes the JIT;
# - each sgemm figure times products taking 4e11 FLOP in all (both sides: 23 of 2048, 190 of 1024,
#   over a second), not 4e10 (2 of 2048, a tenth of a second) as before 2026-12-06 08:40 UTC: in so
#   short a window one compile by the JIT (millrace's product driver is compiled by C2 after 50 calls,
#   the warm-up's count, so it was often compiled during the window) or one slow moment of the VM
#   moved a figure by a fifth;
# - each figure is the median of the repetitions, with min and max; the CPU model, its clock and
#   the load average are printed before and after; sgemm figures are also given as a fraction of
#   the FMA peak measured in the same runs (Java, registers only: 16 independent vector FMAs per
#   thread), since a VM's reported clock is not the cores', and at 2 threads beside the ceiling the
#   caches and memory set: two one-thread products at once, each on its own data (nothing shared,
#   nothing to split; DeviceBenchmark's part `apart`).
# It ends with one line per figure and thread count, `<figure>, <t> thread(s): millrace <v> vs
# pytorch <v> = <ratio>x`, then one per figure for each side's best thread count (the comparison
# issue 15 sets its targets on): `<figure>, best: millrace <v> (<t> threads) vs pytorch <v> (<t>) = <ratio>x`.
# Needs Debian's python3-torch, libopenblas0-pthread (without it torch runs the reference BLAS; the
# script stops) and python3-threadpoolctl. Takes 8-12 minutes at 5 repetitions and 50 steps
# (runs V and W, 2026-12-06). The accuracy check on real data (digits) is `benchmarks/trainer/accuracy.sh`.
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-5}; steps=${2:-20}
mvn -B -o -q -pl components/trainer -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="components/trainer/target/test-classes:components/trainer/target/classes:$(cat components/trainer/target/bench-classpath.txt)"
source benchmarks/millrace-jvm.bash
source benchmarks/trainer/peer.bash
mhz=$(awk -F: '/cpu MHz/ {print $2; exit}' /proc/cpuinfo | tr -d ' ')
echo "cpu: $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ //'), $(nproc) cores, ${mhz} MHz," \
  "$(grep -o 'avx512f' /proc/cpuinfo | head -1 || echo 'no avx512f'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
peer_check
out=$(mktemp -d)
for rep in $(seq "$reps"); do
  for t in 1 2; do
    LD_PRELOAD="$jsig_preload" OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t java "${millrace_jit_flags[@]}" --add-modules=jdk.incubator.vector -Dbackend=java -Dthreads="$t" -Dwarmup=50 -DtimedFlop=4e11 \
      -Dsteps="$steps" -Dparts=peak,sgemm$([ "$t" -gt 1 ] && echo ,apart),mlp512,cnn -cp "$cp" org.millrace.trainer.bench.DeviceBenchmark 1024,2048 \
      2>/dev/null | grep '^millrace' >> "$out/millrace-$t.txt"
    peer "$t" /usr/bin/python3 benchmarks/trainer-gpu/torch_device_bench.py 1024,2048 "$steps" sgemm,mlp512,cnn 50 4e11 \
      2>/dev/null | grep '^pytorch' >> "$out/pytorch-$t.txt"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$out" "$mhz" "$(nproc)" <<'PY'
import re, statistics, sys
out, mhz, cores = sys.argv[1], float(sys.argv[2] or 0), int(sys.argv[3])
def figures(path, side):
    found = {}
    for line in open(path):
        m = re.match(r"\w+ sgemm (\d+): ([\d.]+) GFLOP/s", line)
        if m:
            found.setdefault("sgemm %s (GFLOP/s)" % m.group(1), []).append(float(m.group(2)))
            continue
        m = re.match(r"\w+ (mlp \S+ b\d+|cnn .* b\d+) adam: (\d+) samples/s", line)
        if m:
            found.setdefault("%s (samples/s)" % m.group(1), []).append(float(m.group(2)))
    return found
best = {}
# The FMA peak as measured from Java in the same runs (registers only): the clock a VM reports is
# not the one the cores run at, so a datasheet peak would be a guess.
for t in (1, 2):
    peaks = [float(m.group(1)) for m in (re.match(r"millrace fma peak: ([\d.]+)", l) for l in open("%s/millrace-%d.txt" % (out, t))) if m]
    peak = statistics.median(peaks) if peaks else 0
    if peak:
        print("fma peak, %d thread(s): %.1f GFLOP/s [%.1f-%.1f] (Java Vector API, registers only)" % (t, peak, min(peaks), max(peaks)))
    ours, theirs = figures("%s/millrace-%d.txt" % (out, t), "millrace"), figures("%s/pytorch-%d.txt" % (out, t), "pytorch")
    for name in ours:
        if name not in theirs:
            continue
        a, b = ours[name], theirs[name]
        ma, mb = statistics.median(a), statistics.median(b)
        extra = ""
        if "GFLOP" in name and peak:
            extra = " (%.0f%% and %.0f%% of the measured FMA peak)" % (100 * ma / peak, 100 * mb / peak)
        print("%s, %d thread(s): millrace %.1f [%.1f-%.1f] vs pytorch %.1f [%.1f-%.1f] = %.2fx%s" % (
            name, t, ma, min(a), max(a), mb, min(b), max(b), ma / mb, extra))
        best.setdefault(name, {})[t] = (ma, mb)
    # The ceiling for one product on t threads: t one-thread products at once, each on its own data.
    apart = {}
    for line in open("%s/millrace-%d.txt" % (out, t)):
        m = re.match(r"millrace sgemm (\d+) apart: ([\d.]+)", line)
        if m:
            apart.setdefault(m.group(1), []).append(float(m.group(2)))
    for n, v in apart.items():
        one = statistics.median(ours.get("sgemm %s (GFLOP/s)" % n, [0]))
        print("sgemm %s, %d threads: millrace's one product %.1f vs %d one-thread products at once %.1f [%.1f-%.1f] = %.0f%% of that ceiling" % (
            n, t, one, t, statistics.median(v), min(v), max(v), 100 * one / statistics.median(v)))
for name, by in best.items():
    (ours, ot), (theirs, tt) = max((v[0], t) for t, v in by.items()), max((v[1], t) for t, v in by.items())
    print("%s, best: millrace %.1f (%d thread%s) vs pytorch %.1f (%d thread%s) = %.2fx" % (
        name, ours, ot, "s" if ot > 1 else "", theirs, tt, "s" if tt > 1 else "", ours / theirs))
PY
