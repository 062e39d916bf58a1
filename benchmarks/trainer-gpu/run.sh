#!/usr/bin/env bash
# The trainer's device benchmark: millrace's OpenCL backend, then PyTorch on the same machine.
#   benchmarks/trainer-gpu/run.sh [backend=opencl_gpu] [sgemm sizes=1024,2048,4096] [steps=50]
# PARTS="sgemm launch table mlp512 mlp2048 mlp256 cnn" (the default: all) chooses millrace's parts,
# each in a JVM of its own (Aparapi marks a device failed for the rest of a JVM after one failure);
# arena:FLOATS probes the largest arena the device gives.
# The default backend is opencl_gpu, so that a machine without a working GPU fails instead of
# measuring the Java backend; Aparapi's and the JVM's warnings are shown, not filtered.
# Quick check on a machine without a GPU (PoCL): run.sh opencl_cpu 64 2
# On the GPU machine (no Java there): here, ../shared/tools/gpu-bundle components/trainer (50 MiB:
# the trainer's runtime classpath has no Spark, Beam or JDBC driver) and
# mvn -B -pl components/trainer test-compile; then the device tool's run with
#   carry: [".gpu", "components/trainer/target/test-classes"]
#   command: bash benchmarks/trainer-gpu/run.sh      (it sources .gpu/env.sh itself when present)
# (GPU_CP, set by .gpu/env.sh, makes it skip the Maven build). One run takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
backend=${1:-opencl_gpu}; sizes=${2:-1024,2048,4096}; steps=${3:-50}
if [ -z "${GPU_CP:-}" ] && [ -f .gpu/env.sh ]; then
  source .gpu/env.sh
fi
if [ -z "${GPU_CP:-}" ]; then
  mvn -B -q -pl components/trainer -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
  cp="components/trainer/target/test-classes:components/trainer/target/classes:$(cat components/trainer/target/bench-classpath.txt)"
else
  cp="components/trainer/target/test-classes:$GPU_CP"
fi
source benchmarks/millrace-jvm.bash
# PyTorch runs even when millrace's part fails (its figures are wanted either way); the script's
# exit status is millrace's.
status=0
for part in ${PARTS:-sgemm launch table mlp512 mlp2048 mlp256 cnn}; do
  LD_PRELOAD="$jsig_preload" java "${millrace_jit_flags[@]}" --add-modules=jdk.incubator.vector -Dbackend="$backend" -Dsteps="$steps" -Dparts="$part" \
    -cp "$cp" org.millrace.trainer.bench.DeviceBenchmark "$sizes" || status=$?
done
# The first Python that has torch (a virtualenv's, or Debian's python3-torch under /usr/bin).
for py in ${PYTHON:-} python3 /usr/bin/python3; do
  if "$py" -c 'import torch' 2>/dev/null; then
    # On a CPU, OpenBLAS at its best: these machines' OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE pin it
    # to slower kernels (benchmarks/trainer/peer.bash); the CPU comparison is benchmarks/trainer/run.sh.
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" benchmarks/trainer-gpu/torch_device_bench.py "$sizes" "$steps"
    exit $((status != 0 ? status : $?))
  fi
done
echo "no Python with torch found (set PYTHON, or apt-get install python3-torch)" >&2
exit 1
