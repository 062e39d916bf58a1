#!/usr/bin/env bash
# Evaluator benchmark: millrace Evaluator (DirectRunner) vs scikit-learn on the same 1M predictions.
# Usage: benchmarks/evaluator/run.sh [rows]   (from the repository root, after
#   mvn -B -pl components/evaluator -am verify   has built target/classes)
set -euo pipefail
ROWS=${1:-1000000}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/evalbench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && mvn -B -o -q -pl components/evaluator -am compile dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt")
CP="$ROOT/components/evaluator/target/classes:$ROOT/components/api/target/classes:$(cat "$WORK/cp.txt")"
mkdir -p "$WORK/classes/META-INF/services"
javac -d "$WORK/classes" -cp "$CP" "$HERE/src/EvalBench.java"
cp "$HERE/src/META-INF/services/"* "$WORK/classes/META-INF/services/"
java --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xmx4g \
  -cp "$WORK/classes:$CP" EvalBench "$ROWS" "$WORK"
/usr/bin/python3 "$HERE/sklearn_peer.py" "$WORK/predictions.bin"
if [ -n "${KEEP_HTML:-}" ]; then cp "$WORK/out-1/evaluation/index.html" "$KEEP_HTML"; fi
