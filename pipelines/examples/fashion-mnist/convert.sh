#!/usr/bin/env bash
# Converts Fashion-MNIST's IDX files into the two Parquet files pipeline.yaml reads:
#   pipelines/examples/fashion-mnist/convert.sh [IDX_DIR] [OUT_DIR] [TRAIN_LIMIT] [TEST_LIMIT]
# IDX_DIR holds train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and
# t10k-labels-idx1-ubyte.gz (default ../shared/data/fashion-mnist beside the repository); OUT_DIR
# gets train.parquet and test.parquet (default .millrace/data/fashion-mnist, where pipeline.yaml
# looks). The limits keep the first N images of each (default all: 60,000 and 10,000).
# ConvertIdx.java runs as a single-file program on millrace's own runtime classpath (its Parquet
# writer); ./millrace builds that classpath on first use.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
idx="${1:-$root/../shared/data/fashion-mnist}"
out="${2:-$root/.millrace/data/fashion-mnist}"
train_limit="${3:-}"
test_limit="${4:-}"
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  [ -f "$idx/$f" ] || { echo "convert.sh: expected $idx/$f (IDX_DIR, the first argument), got no such file" >&2; exit 2; }
done
# Builds millrace when its sources changed (or runs what was built under MILLRACE_NO_BUILD=1).
"$root/millrace" --help > /dev/null
classpath="$(cat "$root/cli/target/runtime-classpath.txt")"
java -cp "$classpath" "$root/pipelines/examples/fashion-mnist/ConvertIdx.java" \
  "$idx/train-images-idx3-ubyte.gz" "$idx/train-labels-idx1-ubyte.gz" "$out/train.parquet" $train_limit
java -cp "$classpath" "$root/pipelines/examples/fashion-mnist/ConvertIdx.java" \
  "$idx/t10k-images-idx3-ubyte.gz" "$idx/t10k-labels-idx1-ubyte.gz" "$out/test.parquet" $test_limit
