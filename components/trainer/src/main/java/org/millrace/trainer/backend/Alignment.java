package org.millrace.trainer.backend;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

/**
 * Where a float array's elements fall against the 64-byte cache lines, so that {@link MatMul} can
 * pack B's panels from a line's start: a 64-byte vector load that crosses two lines costs the
 * p-block kernel some of its speed (in one JVM, the packed B of sgemm 1024 started at each of the
 * eight 8-byte offsets in turn: 119.2 GFLOP/s from a line's start against 108.7-109.6 from the
 * seven others at one thread, 218.6 against 199.6-207.9 at two, an Intel Xeon (Ice Lake),
 * 2026-12-07). Java does not say where an array lies; HotSpot's {@code sun.misc.Unsafe} reads the
 * reference to it, which with compressed references is the address shifted right by a number of
 * bits this class finds from two objects allocated one after the other. The garbage collector
 * may move an array, so callers ask again per product (a call costs 6-11 ns, a scratch loop over
 * 64 arrays, 2026-12-07; with the probe's method handles in static final fields instead, 21-35
 * ns). Where the JVM has no such {@code Unsafe}, or the two objects do not tell, {@link
 * #lineStart} answers 0: the products are then as before, their results the same either way.
 */
final class Alignment {
  /** Bytes per cache line. */
  static final int LINE = 64;

  private static final Probe PROBE = Probe.find();

  private Alignment() {}

  /** Whether this JVM says where arrays lie ({@link #lineStart} is then more than a guess). */
  static boolean known() {
    return PROBE != null;
  }

  /**
   * The first index {@code i} in [0, 16) at which {@code a[i]} starts a cache line, at the time of
   * the call; 0 when not {@link #known}.
   */
  static int lineStart(float[] a) {
    if (PROBE == null) {
      return 0;
    }
    long first = PROBE.address(a) + PROBE.floatBase;
    long gap = -first & (LINE - 1);
    return gap % Float.BYTES == 0 ? (int) (gap / Float.BYTES) : 0;
  }

  /** The address of {@code o} from now on, or -1 when not {@link #known} (tests). */
  static long address(Object o) {
    return PROBE == null ? -1 : PROBE.address(o);
  }

  /** Reads references through {@code sun.misc.Unsafe} and turns them into addresses. */
  private static final class Probe {
    final MethodHandle getInt;
    final MethodHandle getLong;
    final long objectBase;
    final int referenceBytes;
    final long floatBase;
    /** Bytes of a {@code long[1]}: its header and one long, in 8-byte steps. */
    final long pairStep;
    /** Bits a compressed reference is shifted left by to make an address. */
    int shift;

    private Probe(MethodHandle getInt, MethodHandle getLong, long objectBase, int referenceBytes, long floatBase,
        long longBase) {
      this.getInt = getInt;
      this.getLong = getLong;
      this.objectBase = objectBase;
      this.referenceBytes = referenceBytes;
      this.floatBase = floatBase;
      this.pairStep = (longBase + Long.BYTES + 7) & -8L;
    }

    /**
     * The probe of this JVM, or null: also from JDK 24 on, which prints a warning at the first use of
     * {@code sun.misc.Unsafe}'s memory access (JEP 498) on standard error, which {@code ./millrace}
     * keeps for its own messages.
     */
    static Probe find() {
      if (Runtime.version().feature() >= 24) {
        return null;
      }
      try {
        Class<?> type = Class.forName("sun.misc.Unsafe");
        Field field = type.getDeclaredField("theUnsafe");
        field.setAccessible(true);
        Object unsafe = field.get(null);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodHandle getInt = lookup.findVirtual(type, "getInt", MethodType.methodType(int.class, Object.class,
            long.class)).bindTo(unsafe);
        MethodHandle getLong = lookup.findVirtual(type, "getLong", MethodType.methodType(long.class, Object.class,
            long.class)).bindTo(unsafe);
        MethodHandle base = lookup.findVirtual(type, "arrayBaseOffset", MethodType.methodType(int.class,
            Class.class)).bindTo(unsafe);
        MethodHandle scale = lookup.findVirtual(type, "arrayIndexScale", MethodType.methodType(int.class,
            Class.class)).bindTo(unsafe);
        int referenceBytes = (int) scale.invokeExact(Object[].class);
        Probe probe = new Probe(getInt, getLong, (int) base.invokeExact(Object[].class), referenceBytes,
            (int) base.invokeExact(float[].class), (int) base.invokeExact(long[].class));
        return referenceBytes == Long.BYTES || probe.findShift() ? probe : null;
      } catch (Throwable e) {
        // No sun.misc.Unsafe here, or not as HotSpot's: the products start B's panels at index 0.
        return null;
      }
    }

    /**
     * Finds the shift of compressed references from two arrays allocated one after the other
     * ({@link #pairStep} bytes each, 24 with compressed class pointers, next to each other in the
     * thread's allocation buffer unless it ran out between them): their references differ by that
     * many bytes shifted right. True once three pairs agree. (A heap that does not start at 0 adds
     * its start to every address: a multiple of the page size, which leaves a line's offset as it is.)
     */
    private boolean findShift() throws Throwable {
      int agreed = 0;
      int found = -1;
      for (int attempt = 0; attempt < 16 && agreed < 3; attempt++) {
        Object[] pair = {new long[1], new long[1]};
        long diff = reference(pair, 1) - reference(pair, 0);
        int s = Long.numberOfTrailingZeros(pairStep) - Long.numberOfTrailingZeros(Math.max(1, diff));
        if (diff <= 0 || s < 0 || diff << s != pairStep) {
          continue;
        }
        if (s == found) {
          agreed++;
        } else {
          found = s;
          agreed = 1;
        }
      }
      shift = found;
      return agreed >= 3;
    }

    private long reference(Object[] holder, int i) throws Throwable {
      long offset = objectBase + (long) i * referenceBytes;
      return referenceBytes == Long.BYTES ? (long) getLong.invokeExact((Object) holder, offset)
          : Integer.toUnsignedLong((int) getInt.invokeExact((Object) holder, offset));
    }

    long address(Object o) {
      try {
        long reference = reference(new Object[] {o}, 0);
        return referenceBytes == Long.BYTES ? reference : reference << shift;
      } catch (Throwable e) {
        throw new IllegalStateException("reading a reference through sun.misc.Unsafe", e);
      }
    }
  }
}
