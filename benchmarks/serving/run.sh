#!/usr/bin/env bash
# Serving benchmark: one-row :predict requests for the penguins model from N concurrent keep-alive
# clients (LoadGenerator.java, JDK only), against
#   1. ./millrace serve (Java backend: a network copy per processor, request batching),
#   2. the same with batching off (--batch-rows 1),
#   3. the same with batching that waits up to 100 us for requests on their way (the old default),
#   4. the same server with the forward pass run by ONNX Runtime's Java API on the same model.onnx
#      (OnnxServe.java: the same HTTP stack, JSON parsing, transform graph and batching),
# one after the other in the same run, each for a warm-up and then a measured duration; prints
# requests/s, p50/p99/p99.9/max latency and errors per contender. Clients and server share the machine.
# Usage (from anywhere): benchmarks/serving/run.sh [seconds=30] [concurrency=16] [warmup_seconds=5]
# Trains the penguins model first (the README's first command) when the registry has none.
# MVN_OPTS (e.g. -o) is passed to Maven.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_MEASURED=${1:-30}
CONCURRENCY=${2:-16}
WARMUP=${3:-5}
PORT=${MILLRACE_BENCH_PORT:-18501}
REGISTRY=.millrace/registry
WORK=$(mktemp -d /tmp/servebench.XXXXXX)
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Build as the launcher does, once, so no contender pays for it.
mvn -B -q ${MVN_OPTS:-} -DskipTests -pl cli -am package dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/runtime-classpath.txt >/dev/null
touch cli/target/runtime-classpath.txt
export MILLRACE_NO_BUILD=1
model=$(ls -d "$REGISTRY"/penguins/[0-9]* 2>/dev/null | sort -t/ -k4 -n | tail -1 || true)
if [ -z "$model" ] || [ ! -f "$model/model.onnx" ]; then
  echo "no penguins model with model.onnx in $REGISTRY: training it (./millrace run pipelines/examples/penguins/pipeline.yaml)"
  ./millrace run pipelines/examples/penguins/pipeline.yaml > "$WORK/train.log" 2>&1 || { cat "$WORK/train.log"; exit 1; }
  model=$(ls -d "$REGISTRY"/penguins/[0-9]* | sort -t/ -k4 -n | tail -1)
  if [ ! -f "$model/model.onnx" ]; then
    echo "the newest penguins version, $model, has no model.onnx (pushed by an older Trainer, and the new run was not" \
      "pushed over it): move $REGISTRY/penguins aside and run this again" >&2
    exit 1
  fi
fi
ORT=com.microsoft.onnxruntime:onnxruntime:$(sed -n 's:.*<artifactId>onnxruntime</artifactId><version>\(.*\)</version>.*:\1:p' pom.xml)
mvn -B -q ${MVN_OPTS:-} dependency:copy -Dartifact="$ORT" -DoutputDirectory="$WORK/ort" >/dev/null
FLAGS=$(sed -n 's:.*<millrace.jvm.flags>\(.*\)</millrace.jvm.flags>.*:\1:p' pom.xml)
CP="cli/target/millrace-cli-0.1.0-SNAPSHOT.jar:$(cat cli/target/runtime-classpath.txt):$(ls "$WORK"/ort/*.jar)"
printf '%s' '{"instances": [{"island": "Torgersen", "culmen_length_mm": 39.1, "culmen_depth_mm": 18.7,
  "flipper_length_mm": 181, "body_mass_g": 3750, "sex": "MALE"}]}' > "$WORK/row.json"
echo "model $model; $CONCURRENCY clients, ${WARMUP} s warm-up + ${SECONDS_MEASURED} s each; cores=$(nproc);" \
  "load: $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)"

# Starts a server (the command line after the name), waits until it serves the model, loads it, stops it.
contender() {
  local name=$1; shift
  "$@" > "$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 600); do
    if curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$SERVER" 2>/dev/null; then cat "$WORK/server.log"; exit 1; fi
    sleep 0.1
  done
  curl -sf -X POST "http://127.0.0.1:$PORT/v1/models/penguins:predict" -d @"$WORK/row.json" > "$WORK/answer.json" \
    || { cat "$WORK/server.log"; exit 1; }
  java benchmarks/serving/LoadGenerator.java "$name" 127.0.0.1 "$PORT" /v1/models/penguins:predict "$WORK/row.json" \
    '"predictions"' "$CONCURRENCY" "$WARMUP" "$SECONDS_MEASURED"
  echo "  answer: $(cat "$WORK/answer.json")"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  SERVER=
}
contender "millrace serve (java, batching)" ./millrace serve --registry "$REGISTRY" --port "$PORT"
contender "millrace serve (java, no batching)" ./millrace serve --registry "$REGISTRY" --port "$PORT" --batch-rows 1
contender "millrace serve (java, batching, wait 100 us)" ./millrace serve --registry "$REGISTRY" --port "$PORT" \
  --batch-wait-us 100
contender "onnxruntime ${ORT##*:} (same server)" java $FLAGS -cp "$CP" benchmarks/serving/OnnxServe.java \
  "$REGISTRY" "$PORT"
