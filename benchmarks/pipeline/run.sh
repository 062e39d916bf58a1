#!/usr/bin/env bash
# The penguins pipeline end to end on the embedded defaults, cache off (every node executes):
#  - cold: `./millrace run --no-cache` as a fresh process (JVM start, class loading, JIT, the run), with
#    and without the launcher's class-data archive;
#  - warm: the same pipeline run again and again in one JVM (PipelineBenchmark), per-node times.
# Usage: benchmarks/pipeline/run.sh [cold_reps=5] [jvm_reps=6] [pipeline=pipelines/examples/penguins/pipeline.yaml]
# (from the repository root; builds with Maven first unless MILLRACE_NO_BUILD=1).
set -euo pipefail
cd "$(dirname "$0")/../.."
cold_reps="${1:-5}"; jvm_reps="${2:-6}"; pipeline="${3:-pipelines/examples/penguins/pipeline.yaml}"
if [ -z "${MILLRACE_NO_BUILD:-}" ]; then
  mvn -B -q ${MVN_OPTS:-} -DskipTests -pl cli -am package dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile=target/runtime-classpath.txt >/dev/null
fi
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), pipeline: $pipeline"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
# Cold processes with the launchers' class-data archive (libexec/class-data.bash; written by a
# first, untimed run, checked and kept by a second) and without it (MILLRACE_CDS=0), interleaved.
for first in 1 2; do
  MILLRACE_NO_BUILD=1 MILLRACE_CDS_DIR="$work/cds" ./millrace --metadata "$work/first.db" run --no-cache "$pipeline" \
    >"$work/first.out" 2>&1 || { cat "$work/first.out"; exit 1; }
done
archive=(); plain=()
for i in $(seq 1 "$cold_reps"); do
  for cds in 1 0; do
    t0=$(date +%s.%N)
    MILLRACE_NO_BUILD=1 MILLRACE_CDS="$cds" MILLRACE_CDS_DIR="$work/cds" ./millrace --metadata "$work/cold.db" run \
      --no-cache "$pipeline" >"$work/cold.out" 2>&1 || { cat "$work/cold.out"; exit 1; }
    t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc)
    if [ "$cds" = 1 ]; then archive+=("$t"); else plain+=("$t"); fi
    echo "cold process $i, MILLRACE_CDS=$cds: $t s ($(grep -o 'SUCCEEDED in [0-9.]*s' "$work/cold.out"))"
  done
done
for cds in 1 0; do
  if [ "$cds" = 1 ]; then times=("${archive[@]}"); label="with the class-data archive"; else times=("${plain[@]}"); label="MILLRACE_CDS=0"; fi
  printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" '{a[NR]=$1} END {printf "cold process, %s: median %.2f s, min %.2f s, max %.2f s (n=%d)\n", l, a[int((NR+1)/2)], a[1], a[NR], NR}'
done
CP="cli/target/millrace-cli-0.1.0-SNAPSHOT.jar:$(cat cli/target/runtime-classpath.txt)"
FLAGS=$(sed -n 's:.*<millrace.jvm.flags>\(.*\)</millrace.jvm.flags>.*:\1:p' pom.xml)
java $FLAGS -cp "$CP" benchmarks/pipeline/PipelineBenchmark.java "$pipeline" "$jvm_reps" "$work/jvm" 2>"$work/jvm.err" \
  || { tail -50 "$work/jvm.err"; exit 1; }
