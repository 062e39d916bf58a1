#!/usr/bin/env bash
# The accuracy check of the Java backend beside PyTorch on real data: digits (1,797 8x8 images; rows
# with index % 3 == 0 are the test set; MLP 64-64-10, Adam 1e-3, batch 32, 30 epochs, pixels / 16).
#   benchmarks/trainer/accuracy.sh [digits.csv.gz=../shared/data/digits/digits.csv.gz]
# Needs Debian's python3-torch. Speed figures are benchmarks/trainer/run.sh's.
set -euo pipefail
cd "$(dirname "$0")/../.."
digits=${1:-../shared/data/digits/digits.csv.gz}
mvn -B -o -q -pl components/trainer -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="components/trainer/target/test-classes:components/trainer/target/classes:$(cat components/trainer/target/bench-classpath.txt)"
source benchmarks/millrace-jvm.bash
LD_PRELOAD="$jsig_preload" java "${millrace_jit_flags[@]}" --add-modules=jdk.incubator.vector -Dthreads=2 -cp "$cp" org.millrace.trainer.bench.TrainerBenchmark digits "$digits" \
  2>&1 | grep -v WARNING
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 benchmarks/trainer/torch_bench.py digits "$digits"
