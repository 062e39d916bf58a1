# Sourced by the benchmark scripts that start millrace's JVMs, for the JVM settings ./millrace gives
# its own (never a peer's process):
#
# jsig_preload, the LD_PRELOAD for those JVMs. As ./millrace does: libjsig keeps the JVM's signal
# handlers first when a native OpenCL driver loaded in the same JVM installs its own (PoCL's LLVM
# does, and the backend choice probes OpenCL even when the Java backend trains). Without it such a
# JVM died now and then (SIGSEGV, exit 139, no hs_err file): 6 of about 70 runs of the CPU
# trainer benchmark on 2026-12-05.
jsig_java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
jsig_preload=${LD_PRELOAD:-}
if [ -f "$jsig_java_home/lib/libjsig.so" ]; then
  jsig_preload="$jsig_java_home/lib/libjsig.so${jsig_preload:+:$jsig_preload}"
fi

# millrace_jit_flags: the JIT directive ./millrace, the distribution and the Spark executors pass
# (ADR 0014): the Java backend's package compiled after 1% of the usual calls and loop trips, so that
# the Vector API kernels do not run interpreted for long.
millrace_jit_flags=(-XX:CompileCommand=quiet
  '-XX:CompileCommand=CompileThresholdScaling,org.millrace.trainer.backend.*::*,0.01')
