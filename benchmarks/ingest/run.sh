#!/usr/bin/env bash
# Ingest + statistics benchmark: millrace ExampleGen + StatisticsGen as a user runs them (bin/millrace
# run of a two-node pipeline from the unpacked distribution: with its class-data archive and the metadata
# store of the user's earlier runs, with a new store, and with neither),
# on its embedded default (in process, on the application's class path, at 1 and 2 threads) and on Beam's
# DirectRunner and SparkRunner local[2], against a hand-written Spark SQL job (local[2], given the
# schema, precompiled) and DuckDB (its JDBC driver, 1 and 2 threads), on the same seeded CSV, each
# in its own JVM under /usr/bin/time (wall time and peak RSS), so times include JVM start-up.
# Contenders run interleaved, REPS rounds (default 5); each line gives the median with min and max.
# Usage: benchmarks/ingest/run.sh [rows=1000000] [data file] (from the repository root): with a data
# file (CSV or Parquet, e.g. 3000000 ../shared/data/flights/flights-3m.parquet; rows is then its
# row count) every contender reads that file instead of a generated CSV.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-1000000}
REPS=${REPS:-5}
WORK=$(mktemp -d /tmp/ingestbench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mvn -B -q -pl e2e-tests -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >/dev/null
mvn -B -q -pl cli -am -DskipTests compile dependency:build-classpath -Dmdep.outputFile="$WORK/app.txt" \
  -Dmdep.includeScope=runtime >/dev/null
# This checkout's classes first: the local repository may hold other builds of the millrace modules.
OURS="e2e-tests/target/test-classes:$(ls -d components/*/target/classes metadata-store/target/classes pipelines/target/classes | tr '\n' ':')"
TEST_CP="$OURS$(tr ':' '\n' < "$WORK/cp.txt" | grep -v '/org/millrace/' | paste -sd:)"
# The embedded default's class path: what lib/ of the tarball holds (cli's run-time dependencies), no Spark.
APP_CP="$OURS$(tr ':' '\n' < "$WORK/app.txt" | grep -v '/org/millrace/' | paste -sd:)"
FLAGS=$(sed -n 's:.*<millrace.jvm.flags>\(.*\)</millrace.jvm.flags>.*:\1:p' pom.xml)
# (Logging: the cli jar's DefaultLogging, INFO to stderr.)
LOG="-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
# The distribution as a user installs it (bin/millrace, lib/), for the command-line contenders.
mvn -B -q -pl distribution -am -DskipTests package >/dev/null
mkdir -p "$WORK/dist"
tar xzf distribution/target/millrace-*.tar.gz -C "$WORK/dist"
DIST=$(ls -d "$WORK"/dist/millrace-*)
DUCKDB=org.duckdb:duckdb_jdbc:2.0.0.1
mvn -B -q dependency:copy -Dartifact=$DUCKDB -DoutputDirectory="$WORK/duckdb" >/dev/null
DUCK_CP="$(ls "$WORK"/duckdb/*.jar)"
# The peers precompiled, so no contender's time includes compiling its source.
mkdir -p "$WORK/peers"
javac -nowarn -d "$WORK/peers" -cp "$TEST_CP" benchmarks/ingest/IngestBenchmark.java
javac -nowarn -d "$WORK/peers" -cp "$DUCK_CP" benchmarks/ingest/DuckDbPeer.java
DATA=${2:-}
SCHEMA=()
if [ -z "$DATA" ]; then
  DATA="$WORK/data.csv"
  java $FLAGS -cp "$WORK/peers:$TEST_CP" IngestBenchmark generate "$DATA" "$ROWS" 2>/dev/null
  # The generated file's columns (LargerThanHeapIT.generate), as millrace infers them.
  SCHEMA=("id BIGINT, x DOUBLE, y DOUBLE, category STRING, count BIGINT, flag BOOLEAN, note STRING")
fi
DATA=$(realpath "$DATA")
echo "rows=$ROWS data=$DATA bytes=$(stat -c %s "$DATA") reps=$REPS cores=$(nproc)" \
  "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) load: $(cut -d' ' -f1-3 /proc/loadavg)"
# The command-line contenders' pipeline: ExampleGen and StatisticsGen on the data, nothing else.
cat > "$WORK/ingest.yaml" <<YAML
pipeline: ingest-benchmark
pipeline_root: $WORK/cli-root
nodes:
  ingest: {component: ExampleGen, parameters: {input: "$DATA"}}
  statistics: {component: StatisticsGen, inputs: {examples: ingest.examples}}
YAML
CLI="$DIST/bin/millrace run $WORK/ingest.yaml --no-cache --metadata=@OUT@.db"
# A user's first two runs, untimed: the first writes the class-data archive as it exits
# (libexec/class-data.bash), the second checks and keeps it; the timed runs map it. They also create
# the metadata store that the "store kept" contender goes on using, as a user's runs do; the other
# CLI contenders start from a new store each time (Flyway creates its schema: a user's first run).
for first in 1 2; do
  rm -rf "$WORK/cli-root"
  env MILLRACE_CDS_DIR="$WORK/cds" ${CLI//@OUT@/$WORK/kept} > "$WORK/first.log" 2>&1 || { cat "$WORK/first.log"; exit 1; }
done
NAMES=()
COMMANDS=()
contender() {
  NAMES+=("$1")
  shift
  COMMANDS+=("$*")
}
contender "millrace CLI (bin/millrace run), archive, store kept" env MILLRACE_CDS_DIR="$WORK/cds" ${CLI//@OUT@/$WORK/kept}
contender "millrace CLI (bin/millrace run), archive, new store" env MILLRACE_CDS_DIR="$WORK/cds" $CLI
contender "millrace CLI (bin/millrace run), MILLRACE_CDS=0, new store" env MILLRACE_CDS=0 $CLI
INGEST=org.millrace.e2e.IngestAndStatistics
for t in 1 2; do
  contender "millrace embedded default, threads=$t" java -Xmx4g $FLAGS $LOG -cp "$APP_CP" $INGEST "$DATA" "@OUT@" \
    --statistics --targetParallelism=$t
done
contender "millrace Beam DirectRunner" java -Xmx4g $FLAGS $LOG -cp "$TEST_CP" $INGEST "$DATA" "@OUT@" --statistics \
  --runner=DirectRunner
contender "millrace Beam SparkRunner local[2]" java -Xmx4g $FLAGS $LOG -cp "$TEST_CP" $INGEST "$DATA" "@OUT@" \
  --statistics --runner=SparkRunner --sparkMaster=local[2]
contender "Spark SQL job local[2]" java -Xmx4g $FLAGS -cp "$WORK/peers:$TEST_CP" IngestBenchmark spark "$DATA" \
  "@OUT@"
for t in 1 2; do
  contender "DuckDB ($DUCKDB) threads=$t" java -Xmx4g -cp "$WORK/peers:$DUCK_CP" DuckDbPeer "$DATA" "@OUT@" $t
done
for ((r = 1; r <= REPS; r++)); do
  for i in "${!NAMES[@]}"; do
    out="$WORK/out-$i"
    rm -rf "$out" "$out.db" "$WORK/cli-root"
    # The stored command split into words (no path here has a space); the Spark job's schema is one argument.
    read -r -a cmd <<< "${COMMANDS[$i]//@OUT@/$out}"
    if [[ "${NAMES[$i]}" == Spark* ]]; then
      cmd+=(${SCHEMA[@]+"${SCHEMA[@]}"})
    fi
    /usr/bin/time -f "%e %M" -o "$WORK/time" "${cmd[@]}" > "$WORK/log-$i" 2>&1 || { cat "$WORK/log-$i"; exit 1; }
    echo "$i $(cat "$WORK/time")" >> "$WORK/times"
  done
done
for i in "${!NAMES[@]}"; do
  awk -v i="$i" '$1 == i { print $2, $3 }' "$WORK/times" | sort -n | awk -v n="${NAMES[$i]}" -v rows="$ROWS" '
    { s[NR] = $1; r[NR] = $2 }
    END { m = s[int((NR + 1) / 2)]; rss = 0; for (k = 1; k <= NR; k++) if (r[k] > rss) rss = r[k]
          printf "%-44s median %6.2f s [%6.2f-%6.2f] %11.0f rows/s %7.0f MB peak RSS\n", n, m, s[1], s[NR], rows / m, rss / 1024 }'
done
grep -h "rows_read\|row_count\|rows=\|counted\|seconds:" "$WORK"/log-* | sort | uniq -c | sort -rn | head -20
