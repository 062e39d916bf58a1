#!/usr/bin/env bash
# Trainer benchmarks, millrace's Java backend beside PyTorch (CPU) in the same run.
#   benchmarks/trainer/run.sh <fashion-mnist dir> <digits.csv.gz> [epochs=1]
# Needs Debian's python3-torch and libopenblas0-pthread (apt-get install -y python3-torch libopenblas0-pthread).
set -euo pipefail
cd "$(dirname "$0")/../.."
fashion=${1:?fashion-mnist directory}; digits=${2:?digits.csv.gz}; epochs=${3:-1}
mvn -B -q -pl components/trainer -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="components/trainer/target/test-classes:components/trainer/target/classes:$(cat components/trainer/target/bench-classpath.txt)"
java_bench() { java --add-modules=jdk.incubator.vector -Dthreads="$1" -cp "$cp" org.millrace.trainer.bench.TrainerBenchmark "${@:2}" 2>&1 | grep -v WARNING; }
for t in 1 2; do
  for n in 512 1024; do java_bench $t matmul $n; OMP_NUM_THREADS=$t /usr/bin/python3 benchmarks/trainer/torch_bench.py matmul $n; done
  java_bench $t mlp "$fashion" "$epochs"
  OMP_NUM_THREADS=$t /usr/bin/python3 benchmarks/trainer/torch_bench.py mlp "$fashion" "$epochs"
done
java_bench 2 digits "$digits"
/usr/bin/python3 benchmarks/trainer/torch_bench.py digits "$digits"
