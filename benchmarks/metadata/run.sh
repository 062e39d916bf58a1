#!/usr/bin/env bash
# Metadata store benchmark: writes/s (millrace vs raw JDBC into SQLite) and a 10-hop lineage query
# on 100k artifacts. Set MILLRACE_TEST_PG_URL (+ _USER, _PASSWORD) to include PostgreSQL.
#   benchmarks/metadata/run.sh [executions=2000] [lineage_artifacts=100000]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -pl metadata-store -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp=$(cat metadata-store/target/bench-classpath.txt)
java -cp "metadata-store/target/test-classes:metadata-store/target/classes:$cp" \
  org.millrace.metadata.bench.MetadataBenchmark "${1:-2000}" "${2:-100000}"
