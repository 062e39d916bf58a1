# Class data sharing for the millrace launchers (the JDK's dynamic AppCDS archives), and the garbage
# collector by command (millrace_collector), sourced by bin/millrace and ./millrace.
#
# The first command of a kind (run, serve, or any other) on a class path and JVM writes the classes
# it loaded to an archive as it exits. The next command keeps that archive if the command that wrote
# it succeeded (the CLI marks it: ClassDataDump; one that failed on a typo loaded few classes) and if
# a JVM of its own maps it with -Xshare:on (an archive cut short by a kill during the write fails that
# check); else it deletes it, and a later command writes another. Every later command maps the
# archive instead of finding, reading and verifying those classes in the jars: 0.7 to 1 s less for a
# `run` on the 2-core development machine (benchmarks/RESULTS.md). The JVM still checks each jar
# against the archive; a new build or another JVM gives another archive, which replaces the install's
# old one.
#
# The archive is mapped at the address it was written for (-XX:ArchiveRelocationMode=0, a diagnostic
# flag; Debian's JDK 17 and Temurin's JDK 25 have it): their default maps it at a random address
# and rewrites its pointers, which took 0.12 s of every command on the development machine (the JVM's
# base archive too; ADR 0011). Where that address is taken, the JVM relocates as it would anyway. A JVM
# that refuses the flag when the archive is checked maps it without (a ".relocated" file beside it).
#
# MILLRACE_CDS=0 turns it off; MILLRACE_CDS_DIR moves the archives (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/millrace/cds). A directory that cannot be written, or -Xshare or an
# archive of the user's own in MILLRACE_JAVA_OPTS, means no archive: the classes load from the jars.

# millrace_command_kind ARGS...: sets command_kind to the kind of command the CLI's arguments name:
# run or serve (after any options before them, such as --metadata), else other.
millrace_command_kind() {
  command_kind=other
  local a
  for a in "$@"; do
    case "$a" in
      run | serve) command_kind="$a"; return 0 ;;
    esac
  done
}

# millrace_vector_module ARGS...: for the commands that only read the store or write files (runs,
# lineage, artifacts, gc, init, airflow, and --version or --help without a command), drops the Vector
# API's incubator module from the array flags, so that their stderr does not begin with the JVM's
# "WARNING: Using incubator modules" line, and sets command_kind to plain (a class-data archive
# holds the module settings it was written with, so these get their own). The commands that train
# or predict (run, resume, backfill, schedule, run-node, serve, models, ui) keep it.
millrace_vector_module() {
  millrace_command_name "$@"
  case "$command_name" in
    "" | runs | lineage | artifacts | gc | init | airflow) ;;
    *) return 0 ;;
  esac
  local kept=() f
  for f in "${flags[@]}"; do
    [ "$f" = --add-modules=jdk.incubator.vector ] || kept+=("$f")
  done
  flags=(${kept[@]+"${kept[@]}"})
  command_kind=plain
}

# millrace_command_name ARGS...: sets command_name to the command the CLI's arguments name (the first
# that is not an option, or the value of --metadata or --log-format before it), or to "" when none.
millrace_command_name() {
  command_name=""
  local a value=0
  for a in "$@"; do
    if [ "$value" = 1 ]; then
      value=0
      continue
    fi
    case "$a" in
      --metadata | --log-format) value=1 ;; # an option before the command, and its value
      -*) ;;
      *) command_name="$a"; return 0 ;;
    esac
  done
}

# millrace_collector ARGS...: sets the array collector_flags to the garbage collector for the command
# the CLI's arguments name. The commands that run pipelines (run, resume, backfill, schedule,
# run-node) are batch work: they get the throughput collector, whose write barrier costs a store of
# a reference far less than G1's (the ingest of 1M CSV rows and their statistics took 12% less wall
# time, the 3M-row Parquet file 4% less, on the 2-core development machine: ADR 0012). serve and
# the rest keep the JVM's default, G1. A collector named in MILLRACE_JAVA_OPTS wins.
millrace_collector() {
  collector_flags=()
  case " ${MILLRACE_JAVA_OPTS:-} " in
    *-XX:+Use*GC*) return 0 ;;
  esac
  millrace_command_name "$@"
  case "$command_name" in
    run | resume | backfill | schedule | run-node) collector_flags=(-XX:+UseParallelGC) ;;
  esac
}

# millrace_maps_archive JAVA ARCHIVE CLASSPATH [JVM FLAGS...]: whether a JVM with these flags maps the
# archive (-Xshare:on fails on one it cannot map, such as one cut short).
millrace_maps_archive() {
  local java="$1" archive="$2" classpath="$3"
  shift 3
  "$java" -XX:SharedArchiveFile="$archive" -Xshare:on -XX:ErrorFile=/dev/null -Xlog:disable "$@" -cp "$classpath" \
    -version >/dev/null 2>&1
}

# millrace_class_data JAVA CLASSPATH KIND [JVM FLAGS...]: sets the array class_data_flags to the
# flags that map this class path's archive for commands of KIND, or that write one at exit, or to
# nothing.
millrace_class_data() {
  class_data_flags=()
  local java="$1" classpath="$2" kind="${3:-other}"
  shift 3 || shift $#
  [ "${MILLRACE_CDS:-1}" = 0 ] && return 0
  case " ${MILLRACE_JAVA_OPTS:-} " in
    *-Xshare*|*SharedArchiveFile*|*ArchiveClassesAtExit*) return 0 ;;
  esac
  local dir="${MILLRACE_CDS_DIR:-${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/millrace/cds}"
  { mkdir -p "$dir" && [ -w "$dir" ]; } 2>/dev/null || return 0

  # The archive's name: the kind, the class path as written (one archive per install), and what the
  # archive's contents depend on: the JVM's library and every jar on the class path (size and time).
  local entries entry jars=() jvm
  IFS=: read -r -a entries <<< "$classpath"
  for entry in "${entries[@]}"; do
    if [[ "$entry" == */\* ]]; then
      jars+=("${entry%\*}"*.jar)
    elif [ -d "$entry" ]; then
      return 0 # a class folder (a build's target/classes): the JVM archives classes from jars only
    elif [ -n "$entry" ]; then
      jars+=("$entry")
    fi
  done
  # (Each step that fails, a missing tool say, means no archive: "|| return 0" under the launchers' set -e.)
  jvm="$(dirname "$(dirname "$(readlink -f "$java")")")" || return 0
  local install contents
  install="$(printf '%s' "$classpath" | cksum)" || return 0
  contents="$({ printf '%s\n' "$jvm"; stat -L -c '%n %s %Y' "$jvm"/lib/server/libjvm.so "${jars[@]}" 2>&1 || true; } \
    | cksum)" || return 0
  install="${install%% *}"
  local archive="$dir/$kind-$install-${contents%% *}.jsa"

  # Dumps of earlier commands that have ended: kept if marked and the JVM maps them, else deleted.
  local dump pid fixed=(-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0)
  for dump in "$archive".*.tmp; do
    [ -f "$dump" ] || continue
    pid="${dump%.tmp}"
    pid="${pid##*.}"
    if kill -0 "$pid" 2>/dev/null; then
      continue # still running, or writing the archive now
    fi
    if [ -f "$archive" ] || [ ! -f "$dump.ok" ]; then
      rm -f "$dump" 2>/dev/null || true
    elif millrace_maps_archive "$java" "$dump" "$classpath" "${fixed[@]}" "$@"; then
      rm -f "$archive.relocated" 2>/dev/null || true
      mv -f "$dump" "$archive" || return 0
    elif millrace_maps_archive "$java" "$dump" "$classpath" "$@"; then
      : > "$archive.relocated" || return 0 # this JVM refuses the fixed address: map it without
      mv -f "$dump" "$archive" || return 0
    else
      rm -f "$dump" 2>/dev/null || true
    fi
    rm -f "$dump.ok" 2>/dev/null || true
  done
  for dump in "$archive".*.tmp.ok; do # marked, then killed before the archive was written
    pid="${dump%.tmp.ok}"
    pid="${pid##*.}"
    if [ -f "$dump" ] && [ ! -f "${dump%.ok}" ] && ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$dump" 2>/dev/null || true
    fi
  done

  if [ -f "$archive" ]; then
    class_data_flags=(-XX:SharedArchiveFile="$archive" "-Xlog:cds*=off")
    [ -f "$archive.relocated" ] || class_data_flags+=("${fixed[@]}")
  elif ! compgen -G "$archive.*.tmp" >/dev/null; then
    # None yet and none being written: this command writes it (to a name of its own, kept by a later
    # command), after deleting the install's archives of this kind for another build or JVM. The
    # launcher execs the JVM, so $$ is the JVM's process id.
    local old
    for old in "$dir/$kind-$install-"*.jsa; do
      rm -f "$old" "$old.relocated" 2>/dev/null || true
    done
    class_data_flags=(-XX:ArchiveClassesAtExit="$archive.$$.tmp" "-Dmillrace.class-data.dump=$archive.$$.tmp"
      "-Xlog:cds*=off")
  fi
}
