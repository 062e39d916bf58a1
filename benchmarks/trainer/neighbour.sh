#!/usr/bin/env bash
# What slows a one-thread sgemm when the other core works: millrace's and the peer's sgemm 1024 and
# 2048 on core 0, alone, beside a neighbour on core 1 doing multiply-adds in registers only ("fma":
# the core busy, no memory traffic), and beside one streaming 256 MiB ("stream": the shared L3 and
# memory busy). Both sides interleaved, each in a fresh process, the peer as run.sh runs it.
#   benchmarks/trainer/neighbour.sh [reps]
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-5}
mvn -B -o -q -pl components/trainer -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="components/trainer/target/test-classes:components/trainer/target/classes:$(cat components/trainer/target/bench-classpath.txt)"
source benchmarks/millrace-jvm.bash
source benchmarks/trainer/peer.bash
echo "cpu: $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ //'), $(nproc) cores;" \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
peer_check
out=$(mktemp -d)
for rep in $(seq "$reps"); do
  for cond in alone fma stream; do
    for side in millrace pytorch; do
      neighbour=""
      if [ "$cond" != alone ]; then
        taskset -c 1 java --add-modules jdk.incubator.vector benchmarks/trainer/Neighbour.java "$cond" 60 \
          >/dev/null 2>&1 &
        neighbour=$!
        sleep 3 # compiled and running
      fi
      if [ "$side" = millrace ]; then
        LD_PRELOAD="$jsig_preload" taskset -c 0 java "${millrace_jit_flags[@]}" --add-modules=jdk.incubator.vector \
          -Dbackend=java -Dthreads=1 -Dwarmup=50 -DtimedFlop=2e11 -Dsteps=50 -Dparts=sgemm -cp "$cp" \
          org.millrace.trainer.bench.DeviceBenchmark 1024,2048 2>/dev/null | grep '^millrace sgemm' \
          | sed "s/^/$cond /" >> "$out/all.txt"
      else
        peer 1 taskset -c 0 /usr/bin/python3 benchmarks/trainer-gpu/torch_device_bench.py 1024,2048 50 sgemm 50 2e11 \
          2>/dev/null | grep '^pytorch sgemm' | sed "s/^/$cond /" >> "$out/all.txt"
      fi
      if [ -n "$neighbour" ]; then
        kill "$neighbour" 2>/dev/null || true
        wait "$neighbour" 2>/dev/null || true
      fi
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$out/all.txt" <<'PY'
import re, statistics, sys
v = {}
for line in open(sys.argv[1]):
    m = re.match(r"(\w+) (\w+) sgemm (\d+): ([\d.]+) GFLOP/s", line)
    if m:
        v.setdefault((m.group(3), m.group(1), m.group(2)), []).append(float(m.group(4)))
for n in ("1024", "2048"):
    alone = {s: statistics.median(v[(n, "alone", s)]) for s in ("millrace", "pytorch")}
    for cond in ("alone", "fma", "stream"):
        a, b = v[(n, cond, "millrace")], v[(n, cond, "pytorch")]
        ma, mb = statistics.median(a), statistics.median(b)
        print("sgemm %s, one thread, %s: millrace %.1f [%.1f-%.1f] (%.0f%% of alone) vs pytorch %.1f [%.1f-%.1f]"
              " (%.0f%% of alone) = %.2fx" % (n, cond if cond == "alone" else "beside a %s neighbour" % cond,
              ma, min(a), max(a), 100 * ma / alone["millrace"], mb, min(b), max(b), 100 * mb / alone["pytorch"],
              ma / mb))
PY
