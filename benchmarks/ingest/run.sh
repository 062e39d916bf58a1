#!/usr/bin/env bash
# Ingest + statistics benchmark: millrace ExampleGen + StatisticsGen (DirectRunner, SparkRunner
# local[2]) vs a hand-written Spark SQL job (local[2]) and DuckDB (its JDBC driver, 1 and 2
# threads) on the same seeded CSV, each in its own JVM under /usr/bin/time (wall time and peak
# RSS). Usage: benchmarks/ingest/run.sh [rows=1000000] [data file] (from the repository root): with
# a data file (CSV or Parquet, e.g. 3000000 ../shared/data/flights/flights-3m.parquet; rows is then
# its row count) every contender reads that file instead of a generated CSV.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-1000000}
WORK=$(mktemp -d /tmp/ingestbench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mvn -B -q -pl e2e-tests -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >/dev/null
# This checkout's classes first: the local repository may hold other builds of the millrace modules.
CP="e2e-tests/target/test-classes:$(ls -d components/*/target/classes metadata-store/target/classes pipelines/target/classes | tr '\n' ':')$(tr ':' '\n' < "$WORK/cp.txt" | grep -v '/org/millrace/' | paste -sd:)"
FLAGS=$(sed -n 's:.*<millrace.jvm.flags>\(.*\)</millrace.jvm.flags>.*:\1:p' pom.xml)
JAVA="java -Xmx4g $FLAGS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp $CP"
DUCKDB=org.duckdb:duckdb_jdbc:2.0.0.1
mvn -B -q dependency:copy -Dartifact=$DUCKDB -DoutputDirectory="$WORK/duckdb" >/dev/null
DATA=${2:-}
if [ -z "$DATA" ]; then
  DATA="$WORK/data.csv"
  $JAVA benchmarks/ingest/IngestBenchmark.java generate "$DATA" "$ROWS"
fi
DATA=$(realpath "$DATA")
echo "rows=$ROWS data=$DATA bytes=$(stat -c %s "$DATA") cores=$(nproc) load: $(cut -d' ' -f1-3 /proc/loadavg)"
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > "$WORK/$name.log" 2>&1 || { cat "$WORK/$name.log"; exit 1; }
  read -r secs rss < "$WORK/time"
  awk -v n="$name" -v s="$secs" -v r="$rss" -v rows="$ROWS" \
    'BEGIN { printf "%-40s %8.2f s %12.0f rows/s %8.0f MB peak RSS\n", n, s, rows / s, r / 1024 }'
}
timed "millrace DirectRunner" $JAVA org.millrace.e2e.IngestAndStatistics "$DATA" "$WORK/direct" --statistics
timed "millrace SparkRunner local[2]" $JAVA org.millrace.e2e.IngestAndStatistics "$DATA" "$WORK/spark" \
  --statistics --runner=SparkRunner --sparkMaster=local[2]
timed "Spark SQL job local[2]" $JAVA benchmarks/ingest/IngestBenchmark.java spark "$DATA" "$WORK/peer"
for t in 1 2; do
  timed "DuckDB ($DUCKDB) threads=$t" java -Xmx4g -cp "$(ls "$WORK"/duckdb/*.jar)" \
    benchmarks/ingest/DuckDbPeer.java "$DATA" "$WORK/duckdb-$t" $t
done
grep -h "rows_read\|row_count\|rows=\|counted" "$WORK"/*.log
