# Sourced by the benchmark scripts that start millrace's JVMs: sets jsig_preload, the LD_PRELOAD
# for those JVMs (never for a peer's process). As ./millrace does: libjsig keeps the JVM's signal
# handlers first when a native OpenCL driver loaded in the same JVM installs its own (PoCL's LLVM
# does, and the backend choice probes OpenCL even when the Java backend trains). Without it such a
# JVM died now and then (SIGSEGV, exit 139, no hs_err file): 6 of about 70 runs of the CPU
# trainer benchmark on 2026-12-05.
jsig_java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
jsig_preload=${LD_PRELOAD:-}
if [ -f "$jsig_java_home/lib/libjsig.so" ]; then
  jsig_preload="$jsig_java_home/lib/libjsig.so${jsig_preload:+:$jsig_preload}"
fi
