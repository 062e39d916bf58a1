#!/usr/bin/env bash
# Transform benchmark: millrace Transform vs Spark ML on the same generated rows, same JVM.
# Usage: benchmarks/transform/run.sh [rows=1000000] [reps=3]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o -pl components/transform -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/transform-bench.cp -Dmdep.includeScope=test >/dev/null
CP="components/transform/target/classes:components/transform-graph/target/classes:components/api/target/classes:$(cat components/transform/target/transform-bench.cp)"
FLAGS=$(sed -n 's:.*<millrace.jvm.flags>\(.*\)</millrace.jvm.flags>.*:\1:p' pom.xml)
exec java -Xmx6g $FLAGS -cp "$CP" benchmarks/transform/TransformBenchmark.java "${1:-1000000}" "${2:-3}"
