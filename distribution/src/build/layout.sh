#!/usr/bin/env bash
# Lays out the distribution's jars (called by the build, package phase):
#   layout.sh <out-dir> <cli jar> <cli runtime-classpath.txt> <cli-spark runtime-classpath.txt>
# lib/ gets the application and what the embedded default runs with (cli's run-time class path);
# lib/spark/ gets only what the Spark half adds to it (Beam's Spark runner, Spark, Scala, ...).
# The enforcer's dependencyConvergence makes a jar shared by both halves the same version in both.
set -euo pipefail
out="$1"; cli_jar="$2"; cli_cp="$3"; spark_cp="$4"
rm -rf "$out"
mkdir -p "$out/lib/spark"
declare -A core=()
cp "$cli_jar" "$out/lib/"
core["$(basename "$cli_jar")"]=1
IFS=: read -r -a entries < <(tr -d "\n" < "$cli_cp"; echo) || true
for e in "${entries[@]}"; do
  name="$(basename "$e")"
  if [ -n "${core[$name]:-}" ]; then continue; fi
  [ -f "$e" ] || { echo "layout.sh: $e (from $cli_cp) is not a jar file" >&2; exit 1; }
  cp "$e" "$out/lib/$name"
  core["$name"]=1
done
IFS=: read -r -a entries < <(tr -d "\n" < "$spark_cp"; echo) || true
for e in "${entries[@]}"; do
  name="$(basename "$e")"
  if [ -n "${core[$name]:-}" ] || [ -f "$out/lib/spark/$name" ]; then continue; fi
  [ -f "$e" ] || { echo "layout.sh: $e (from $spark_cp) is not a jar file" >&2; exit 1; }
  cp "$e" "$out/lib/spark/$name"
done
echo "layout.sh: lib/ $(ls "$out/lib" | grep -c '\.jar$') jars ($(du -sm --exclude=spark "$out/lib" | cut -f1) MB), lib/spark/ $(ls "$out/lib/spark" | wc -l) jars ($(du -sm "$out/lib/spark" | cut -f1) MB)"
