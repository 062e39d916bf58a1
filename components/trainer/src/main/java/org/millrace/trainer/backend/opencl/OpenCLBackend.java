package org.millrace.trainer.backend.opencl;

import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLPlatform;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.millrace.trainer.backend.Backend;
import org.millrace.trainer.backend.ConvGeometry;
import org.millrace.trainer.backend.Tensor;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.backend.Loss;

/**
 * The OpenCL backend, through Aparapi: every tensor is a slice of one device buffer (the arena of
 * {@link ArenaKernel}) that stays on the device; uploads and downloads go through staging buffers.
 * A training step moves its input batch and labels in and nothing out. Operations run in order
 * on the device's queue; results are deterministic on a given device (no atomics).
 *
 * <p>It never falls back silently: if Aparapi does not run a kernel on the chosen OpenCL device
 * (it would otherwise try another device, then a Java thread pool, on stale host arrays), that
 * launch fails naming the device and Aparapi's error, and so does every later operation.
 *
 * <p>Buffers are device copies ({@code setSharedMemory(false)}: {@code CL_MEM_COPY_HOST_PTR}), as
 * a discrete GPU needs. The arena is the only array whose current values live on the device alone;
 * when the garbage collector moves it, Aparapi would rebuild its device buffer from the stale Java
 * copy at the next launch. So before every launch the backend looks whether a collection happened
 * since the last one, and if so reads the arena back from the device first ({@code get}: this also
 * tells Aparapi the new address, so the device buffer is kept). A collection during the launch
 * itself is caught afterwards by a sentinel value that only the device copy holds, and fails loudly.
 * The staging arrays and the offsets table are written from the host before each use, so a moved
 * copy of them is current. See docs/adr/0006-opencl-device-buffers-and-arena-moves.md.
 */
public final class OpenCLBackend implements Backend {
  private static final int ALIGN = 16;
  private static final int LOCAL = 64;
  private static final int SMALL = 1 << 16;
  private static final int PARTIALS = 256;
  /**
   * The largest arena: Aparapi sizes a buffer with a 32-bit byte count (aparapi-native's
   * ArrayBuffer.lengthInBytes is a jint), so an array must stay below 2^31 bytes.
   */
  public static final int MAX_ARENA = (Integer.MAX_VALUE / 4) / ALIGN * ALIGN;

  private final OpenCLDevice device;
  private final Found found;
  private final ArenaKernel k;
  private final int computeUnits;
  private GemmVariant gemmVariant = GemmVariant.AUTO;
  private final String description;
  private int used;
  private boolean verified;
  private Slice scratch;
  private int tableRows;
  private final int maxStage;
  private long launches;
  private long stagedFloats;
  private long rescues;
  private long tuningLaunches;
  private boolean dataOnDevice = true;
  private final Map<ProductShape, ProductChoice> productTable = new java.util.LinkedHashMap<>();
  private long collectionsSeen = -1;
  private String failure;
  private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
  /** The arena's first float: 1 on the device, 0 in the Java copy, so a rebuild from the Java copy shows. */
  private static final int SENTINEL = 0;
  static {
    // Before any Aparapi class initializes (its Config, just below, reads whether the library is loaded).
    AparapiNatives.load();
  }

  private static final Logger APARAPI_LOG = Logger.getLogger(com.aparapi.Config.getLoggerName());
  /** Aparapi's warnings of the current launch on each thread: the cause of a failure, which it only logs. */
  private static final ThreadLocal<String> LAST_WARNING = new ThreadLocal<>();

  static {
    APARAPI_LOG.addHandler(new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
          String m = r.getMessage();
          if (r.getThrown() != null) {
            m = m + " (" + r.getThrown() + ")";
          }
          String before = LAST_WARNING.get();
          LAST_WARNING.set(before == null ? m : before + " | " + m);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
  }

  /**
   * Which matrix-product kernel runs: {@code SMALL} (32x32 tiles, 2x2 per work item), {@code WIDE}
   * (64x64 tiles, 4x4 per work item), {@code BIG} (128x128 tiles, 8x8 per work item), or
   * {@code AUTO}: the fastest of them for each shape, measured on this device the first time the
   * shape runs ({@link #productTable()}); a product that accumulates into its output (which cannot be
   * run twice) takes the largest tile that still gives every compute unit two work groups.
   */
  public enum GemmVariant { AUTO, SMALL, WIDE, BIG }

  /** A tensor: {@code size} values at {@code offset} of the arena. */
  record Slice(int offset, int size) implements Tensor {}

  /** An OpenCL device found on this machine, with its platform. */
  public record Found(OpenCLDevice device, String platform, String version) {
    /** A GPU or another accelerator: anything but the host's CPU. */
    public boolean gpu() {
      return device.getType() == Device.TYPE.GPU || device.getType() == Device.TYPE.ACC;
    }

    @Override
    public String toString() {
      return device.getName().trim() + " (" + device.getType() + ", " + platform.trim() + ", " + version.trim() + ")";
    }
  }

  /**
   * OpenCL devices on this machine, GPUs first. Empty when there is no OpenCL runtime (no
   * libOpenCL or no ICD): Aparapi's loader error is caught, never used to run kernels in Java.
   * Enumerated once per JVM (the native library prints a warning per enumeration on platforms it
   * has not been tested with, and the devices of a machine do not change while it runs).
   */
  public static List<Found> devices() {
    List<Found> known = enumerated;
    if (known == null) {
      synchronized (OpenCLBackend.class) {
        if (enumerated == null) {
          enumerated = List.copyOf(enumerate());
        }
        known = enumerated;
      }
    }
    return known;
  }

  private static volatile List<Found> enumerated;

  private static List<Found> enumerate() {
    var gpus = new ArrayList<Found>();
    var others = new ArrayList<Found>();
    try {
      for (OpenCLPlatform p : OpenCLPlatform.getUncachedOpenCLPlatforms()) {
        for (OpenCLDevice d : p.getOpenCLDevices()) {
          Found f = new Found(d, p.getName(), p.getVersion());
          (f.gpu() ? gpus : others).add(f);
        }
      }
    } catch (Throwable e) {
      return List.of();
    }
    gpus.addAll(others);
    return gpus;
  }

  /**
   * Why {@link #devices()} is empty when Aparapi's native library (or the OpenCL loader it links
   * against) did not load: the loader's own error, which Aparapi only logs; {@code null} when it
   * loaded (then an empty list means no platform: no ICD registered).
   */
  public static String nativeLoadError() {
    try {
      if (com.aparapi.internal.opencl.OpenCLLoader.isOpenCLAvailable()) {
        return null;
      }
      com.aparapi.natives.NativeLoader.load();
      return "Aparapi's native library loaded only on a second attempt";
    } catch (Throwable e) {
      String cause = e.toString();
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        cause = cause + "; caused by " + c;
      }
      return cause;
    }
  }

  public OpenCLBackend(Found found) {
    this(found, 1 << 20, 1 << 24);
  }

  /**
   * A backend on {@code found} with an initial arena (floats; it grows on demand) and the largest
   * staging buffer (floats; longer transfers go in pieces of that size).
   */
  public OpenCLBackend(Found found, int arenaFloats, int maxStagingFloats) {
    this.device = found.device();
    this.device.setSharedMemory(false);
    this.found = found;
    this.computeUnits = Math.max(1, device.getMaxComputeUnits());
    this.description = "opencl (" + found + ")";
    this.maxStage = Math.max(SMALL, maxStagingFloats);
    this.k = new ArenaKernel(new float[Math.max(ALIGN, arenaFloats)], new float[SMALL], new float[SMALL],
        new float[SMALL], new int[ArenaKernel.TAB * 64]);
    k.setExplicit(true);
    // The first ALIGN floats hold the sentinel; tensors start after them.
    used = ALIGN;
  }

  /** The device this backend runs on. */
  public Found found() {
    return found;
  }

  /** Kernel launches so far (each is one synchronous Aparapi execute). */
  public long launches() {
    return launches;
  }

  /**
   * Times the arena was read back from the device because the garbage collector ran since the
   * previous launch and may have moved it.
   */
  public long rescues() {
    return rescues;
  }

  /**
   * Floats moved between host and device through the staging buffers so far: Aparapi moves whole
   * arrays, so this counts each staging buffer's full length per transfer.
   */
  public long stagedFloats() {
    return stagedFloats;
  }

  /**
   * Runs every matrix-product kernel in every transposition on a small problem with ragged edges
   * and compares each with a plain host product ({@link SelfCheck}), so that a device or driver
   * that miscompiles a kernel is refused before it trains anything. Throws
   * {@link IllegalStateException} naming the case and the error.
   */
  public void selfCheck() {
    int mark = used;
    GemmVariant chosen = gemmVariant;
    try {
      SelfCheck.run(this);
    } finally {
      gemmVariant = chosen;
      // The check's tensors were the last allocated: give their space back, zeroed as fresh space is.
      if (used > mark) {
        fill(new Slice(mark, used - mark), 0f, used - mark);
      }
      used = mark;
    }
  }

  /** Chooses the matrix-product kernel (benchmarks and tests compare the two). */
  public void gemmVariant(GemmVariant variant) {
    this.gemmVariant = variant;
  }

  @Override
  public String name() {
    return "opencl";
  }

  @Override
  public String description() {
    return description;
  }

  private static int off(Tensor t) {
    if (t instanceof Slice s) {
      return s.offset;
    }
    throw new IllegalArgumentException("opencl backend expected a tensor it allocated, got " + t.getClass().getName());
  }

  @Override
  public Tensor allocate(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("tensor size expected >= 0, got " + size);
    }
    int offset = used;
    long end = (long) offset + size;
    long aligned = (end + ALIGN - 1) / ALIGN * ALIGN;
    if (aligned > MAX_ARENA) {
      throw new IllegalStateException("opencl arena expected at most " + MAX_ARENA + " floats (2 GiB: Aparapi sizes"
          + " device buffers with a 32-bit byte count), got a request for " + aligned + " (" + size
          + " more than the " + offset + " in use)");
    }
    if (aligned > k.mem.length) {
      grow((int) Math.min(MAX_ARENA, Math.max(aligned, 2L * k.mem.length)));
    }
    used = (int) aligned;
    // Never-used arena space is zero on the device: fresh tensors start at zero.
    return new Slice(offset, size);
  }

  /** A bigger arena: the device contents come back, move to a larger array and go up again. */
  private void grow(int capacity) {
    float[] bigger = new float[capacity];
    if (verified) {
      k.get(k.mem);
    }
    System.arraycopy(k.mem, 0, bigger, 0, used);
    bigger[SENTINEL] = verified ? 1f : 0f;
    k.mem = bigger;
    k.put(k.mem);
    // Put is written at the next launch: only then may the Java copy lose the sentinel again.
    pendingSentinelReset = verified;
  }

  private boolean pendingSentinelReset;

  /** Collections so far, over every collector of this JVM. */
  private long collections() {
    long sum = 0;
    for (GarbageCollectorMXBean c : collectors) {
      sum += Math.max(0, c.getCollectionCount());
    }
    return sum;
  }

  private void launch(int op, int n) {
    if (n <= 0) {
      return;
    }
    k.op = op;
    k.n = n;
    int global = (n + LOCAL - 1) / LOCAL * LOCAL;
    execute(Range.create(device, global, LOCAL));
  }

  private void execute(Range range) {
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
    if (!verified) {
      k.put(k.mem);
      k.put(k.io);
      k.put(k.ioOut);
      k.put(k.ioSmall);
      k.put(k.tab);
    }
    long before = collections();
    if (verified && before != collectionsSeen) {
      // The collector may have moved the arena: read it back from the device buffer, which Aparapi
      // still holds, before the launch sees the new address and rebuilds the buffer from this copy
      // (reading pins the array, so Aparapi also takes the new address and keeps the buffer).
      k.get(k.mem);
      k.mem[SENTINEL] = 0f;
      rescues++;
    }
    collectionsSeen = before;
    launches++;
    LAST_WARNING.remove();
    try {
      k.execute(range);
    } catch (RuntimeException | AssertionError e) {
      // Aparapi's fallback from a device the range names ends in an AssertionError.
      String cause = LAST_WARNING.get();
      failure = "opencl backend expected kernel launch " + launches + " to run on " + description + ", got a failure"
          + (cause == null ? "" : ": Aparapi's error: " + cause)
          + (com.aparapi.internal.kernel.KernelManager.instance().getPreferences(k).getFailedDevices().contains(device)
              ? " (Aparapi marks a device failed for the rest of this JVM after one failed launch)" : "")
          + "; then, falling back: " + e
          + ". The backend's device state is lost: later operations fail too";
      throw new IllegalStateException(failure, e);
    }
    checkRanOnDevice();
    if (pendingSentinelReset) {
      k.mem[SENTINEL] = 0f;
      pendingSentinelReset = false;
    }
    if (!verified) {
      // The device's sentinel; the Java copy keeps 0 from here on.
      verified = true;
      collectionsSeen = collections();
      long counted = launches;
      fill(new Slice(SENTINEL, 1), 1f, 1);
      launches = counted;
    } else if (collections() != before) {
      // A collection during the launch: if it moved the arena before Aparapi pinned it, the device
      // buffer was rebuilt from the stale Java copy, which the sentinel shows. (The read launches
      // again, which first rescues the arena as above.)
      checkSentinel();
    }
  }

  /** Throws (and refuses every later operation) when the last launch did not run on our device. */
  private void checkRanOnDevice() {
    List<Device> failed = com.aparapi.internal.kernel.KernelManager.instance().getPreferences(k).getFailedDevices();
    if (!failed.contains(device) && k.isRunningCL()) {
      return;
    }
    String cause = LAST_WARNING.get();
    failure = "opencl backend expected Aparapi to run kernel launch " + launches + " on " + description
        + ", got a failure: it fell back to " + (k.isRunningCL() ? "another OpenCL device" : "execution mode "
        + k.getExecutionMode()) + " on stale host arrays; Aparapi's error: "
        + (cause == null ? "(none logged; see Aparapi's log above)" : cause)
        + ". The backend's device state is lost: later operations fail too";
    throw new IllegalStateException(failure);
  }

  /** Reads the device's sentinel (not counted in {@link #launches()} and {@link #stagedFloats()}). */
  private void checkSentinel() {
    float[] v = new float[1];
    long l = launches;
    long f = stagedFloats;
    download(new Slice(SENTINEL, 1), 0, v, 0, 1);
    launches = l;
    stagedFloats = f;
    if (v[0] != 1f) {
      failure = "opencl backend on " + description + " lost its device state: the garbage collector moved the"
          + " arena during a launch and Aparapi rebuilt the device buffer from the stale Java copy (sentinel "
          + v[0] + ", expected 1); train again (a heap with G1, where large arrays do not move, avoids it)";
      throw new IllegalStateException(failure);
    }
  }

  /**
   * {@link #fill} in work groups of {@code local} work items: tests make a launch fail with a group
   * larger than the device allows.
   */
  void fillInGroups(Tensor t, float value, int n, int local) {
    k.op = ArenaKernel.FILL;
    k.n = n;
    k.setFill(off(t), value);
    execute(Range.create(device, (n + local - 1) / local * local, local));
  }

  @Override
  public void upload(float[] src, int srcOffset, Tensor dst, int dstOffset, int length) {
    int o = off(dst) + dstOffset;
    float[] stage = stage(true, length);
    for (int done = 0; done < length; done += stage.length) {
      int len = Math.min(stage.length, length - done);
      System.arraycopy(src, srcOffset + done, stage, 0, len);
      k.put(stage);
      stagedFloats += stage.length;
      k.setCopyIn(o + done, 0, stage == k.ioSmall);
      launch(ArenaKernel.COPY_IN, len);
    }
  }

  @Override
  public void download(Tensor src, int srcOffset, float[] dst, int dstOffset, int length) {
    int o = off(src) + srcOffset;
    float[] stage = stage(false, length);
    for (int done = 0; done < length; done += stage.length) {
      int len = Math.min(stage.length, length - done);
      k.setCopyOut(o + done, 0, stage == k.ioSmall);
      launch(ArenaKernel.COPY_OUT, len);
      k.get(stage);
      stagedFloats += stage.length;
      System.arraycopy(stage, 0, dst, dstOffset + done, len);
    }
  }

  /**
   * The staging buffer for a transfer of {@code length} values: the small one when it fits, else
   * the upload or download buffer, resized to the transfer (whole 64k-value units, at most the
   * largest staging size) when it is too small or more than twice too big. Aparapi moves whole
   * arrays, so a buffer sized to the batch moves the batch and not a fixed 4 MB; the slack of two
   * keeps a smaller last batch from resizing it every epoch.
   */
  private float[] stage(boolean in, int length) {
    if (length <= SMALL) {
      return k.ioSmall;
    }
    float[] current = in ? k.io : k.ioOut;
    int want = (int) Math.min(maxStage, ((long) length + SMALL - 1) / SMALL * SMALL);
    if (current.length >= want && current.length <= 2L * want) {
      return current;
    }
    float[] sized = new float[want];
    if (in) {
      k.io = sized;
    } else {
      k.ioOut = sized;
    }
    return sized;
  }

  @Override
  public void copy(Tensor src, Tensor dst, int n) {
    k.setCopy(off(src), off(dst));
    launch(ArenaKernel.COPY, n);
  }

  @Override
  public void fill(Tensor t, float value, int n) {
    k.setFill(off(t), value);
    launch(ArenaKernel.FILL, n);
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int kk, Tensor a, Tensor b, Tensor c,
      boolean accumulate) {
    product(transA, transB, m, n, kk, a, b, c, accumulate, ArenaKernel.PLAIN);
  }

  @Override
  public void gemmBiasActivation(boolean transA, boolean transB, int m, int n, int kk, Tensor a, Tensor b,
      Tensor bias, Activation act, Tensor z, Tensor out) {
    if (act != Activation.LINEAR && off(out) == off(z)) {
      throw new IllegalArgumentException("fused bias and activation expected out apart from z for " + act);
    }
    k.setBiasActivationEpilogue(bias == null ? -1 : off(bias), act.ordinal(), off(out));
    product(transA, transB, m, n, kk, a, b, z, false, ArenaKernel.BIAS_ACTIVATION);
  }

  @Override
  public void gemmActivationBackward(boolean transA, boolean transB, int m, int n, int kk, Tensor a, Tensor b,
      Tensor z, Activation act, Tensor c) {
    k.setDerivativeEpilogue(act.ordinal(), off(z));
    product(transA, transB, m, n, kk, a, b, c, false, ArenaKernel.DERIVATIVE);
  }

  @Override
  public void weightGradient(Tensor x, Tensor dz, int rows, int in, int out, Tensor dKernel, Tensor dBias) {
    if (dBias == null) {
      gemm(true, false, in, out, rows, x, dz, dKernel, false);
      return;
    }
    // x^T with an extra row of ones: the product's extra row is the column sums of dz (dBias).
    k.setColumnSumsEpilogue(off(dBias));
    product(true, false, in, out, rows, x, dz, dKernel, false, ArenaKernel.COLUMN_SUMS_ROW);
  }

  /**
   * Yes when the set (with its order and labels) fits in the arena's limit and in a quarter of the
   * device's memory, and its rows are numbered exactly as floats (below 2^24), unless turned off
   * by {@link #keepDataOnDevice(boolean)}.
   */
  @Override
  public boolean holdsData(long rows, long floats) {
    // 4M floats of slack for what the run allocates later (scratch for losses and partial sums).
    long need = floats + 2 * rows + 2 * ALIGN + (1 << 22);
    return dataOnDevice && rows < (1 << 24) && used + need <= MAX_ARENA
        && need * 4 <= device.getGlobalMemSize() / 4;
  }

  /** Whether training sets may live on the device (on by default; tests and benchmarks compare both). */
  public void keepDataOnDevice(boolean on) {
    this.dataOnDevice = on;
  }

  @Override
  public void gatherBatch(Tensor x, Tensor y, int dim, Tensor order, int from, int rows, Tensor dstX, Tensor dstY) {
    k.setGather(off(x), off(y), off(dstX), dim, from, off(order), off(dstY), rows);
    launch(ArenaKernel.GATHER, rows * (dim + 1));
  }

  /**
   * One product launch with an epilogue (the epilogue's own fields set by the caller). The kernel
   * is the chosen variant, or under {@code AUTO} the fastest for this shape on this device, from
   * {@link #productTable()}: the first product of each shape times every kernel on it (they compute
   * the same values in the same order, so the choice changes only the time).
   */
  private void product(boolean transA, boolean transB, int m, int n, int kk, Tensor a, Tensor b, Tensor c,
      boolean accumulate, int epilogue) {
    if (m <= 0 || n <= 0) {
      return;
    }
    k.setProduct(off(a), off(b), off(c), transA, transB, m, n, kk, accumulate, epilogue);
    // The column sums are one more row of the product.
    int rows = epilogue == ArenaKernel.COLUMN_SUMS_ROW ? m + 1 : m;
    GemmVariant v = gemmVariant;
    if (v == GemmVariant.AUTO) {
      var shape = new ProductShape(transA, transB, rows, n, kk);
      ProductChoice choice = productTable.get(shape);
      if (choice == null && !accumulate) {
        choice = measure(rows, n);
        productTable.put(shape, choice);
      }
      v = choice == null ? autoVariant(rows, n) : choice.variant();
    }
    launchProduct(v, rows, n);
  }

  /**
   * Times each kernel twice on the product whose fields are set (its output is written each time,
   * which a product without accumulation allows) and returns the fastest. These launches are not
   * counted in {@link #launches()}.
   */
  private ProductChoice measure(int rows, int n) {
    var nanos = new java.util.EnumMap<GemmVariant, Long>(GemmVariant.class);
    GemmVariant best = null;
    long before = launches;
    for (GemmVariant v : List.of(GemmVariant.SMALL, GemmVariant.WIDE, GemmVariant.BIG)) {
      long fastest = Long.MAX_VALUE;
      for (int i = 0; i < 2; i++) {
        long t0 = System.nanoTime();
        launchProduct(v, rows, n);
        fastest = Math.min(fastest, System.nanoTime() - t0);
      }
      nanos.put(v, fastest);
      if (best == null || fastest < nanos.get(best)) {
        best = v;
      }
    }
    tuningLaunches += launches - before;
    launches = before;
    return new ProductChoice(best, java.util.Collections.unmodifiableMap(nanos));
  }

  private void launchProduct(GemmVariant v, int rows, int n) {
    int t = v == GemmVariant.BIG ? ArenaKernel.BIG : v == GemmVariant.WIDE ? ArenaKernel.WIDE : ArenaKernel.TILE;
    k.op = v == GemmVariant.BIG ? ArenaKernel.GEMM_BIG : v == GemmVariant.WIDE ? ArenaKernel.GEMM_WIDE : ArenaKernel.GEMM;
    int g = ArenaKernel.GROUP;
    execute(Range.create2D(device, (n + t - 1) / t * g, (rows + t - 1) / t * g, g, g));
  }

  /** A product's shape: transpositions, rows (with an epilogue's extra row), columns, depth. */
  public record ProductShape(boolean transA, boolean transB, int rows, int cols, int depth) {}

  /** The kernel chosen for a shape and each kernel's time on it (nanoseconds, the faster of two runs). */
  public record ProductChoice(GemmVariant variant, Map<GemmVariant, Long> nanos) {}

  /** The measured choices so far, by shape, in the order the shapes were first used. */
  public Map<ProductShape, ProductChoice> productTable() {
    return java.util.Collections.unmodifiableMap(productTable);
  }

  /** Launches that timed product kernels for {@link #productTable()} (not in {@link #launches()}). */
  public long tuningLaunches() {
    return tuningLaunches;
  }

  /** The {@code AUTO} choice for an m x n product on this device. */
  GemmVariant autoVariant(int m, int n) {
    return autoVariant(m, n, computeUnits);
  }

  /** The largest tile with at least two work groups per compute unit (the small kernel when none has). */
  static GemmVariant autoVariant(int m, int n, int computeUnits) {
    if (tiles(m, n, ArenaKernel.BIG) >= 2L * computeUnits) {
      return GemmVariant.BIG;
    }
    if (tiles(m, n, ArenaKernel.WIDE) >= 2L * computeUnits) {
      return GemmVariant.WIDE;
    }
    return GemmVariant.SMALL;
  }

  private static long tiles(int m, int n, int side) {
    return (long) ((m + side - 1) / side) * ((n + side - 1) / side);
  }

  @Override
  public void biasActivation(Tensor z, Tensor bias, int rows, int cols, Activation act, Tensor out) {
    k.setBiasAct(off(z), bias == null ? 0 : off(bias), off(out), cols, bias != null, act.ordinal());
    launch(ArenaKernel.BIAS_ACT, rows * cols);
  }

  @Override
  public void activationBackward(Tensor g, Tensor z, Activation act, Tensor dz, int n) {
    k.setActBackward(off(g), off(z), act.ordinal(), off(dz));
    launch(ArenaKernel.ACT_BACKWARD, n);
  }

  @Override
  public void biasActivationBackward(Tensor g, Tensor z, int rows, int cols, Activation act, Tensor dz, Tensor dbias) {
    int blocks = (rows + ArenaKernel.ROW_BLOCK - 1) / ArenaKernel.ROW_BLOCK;
    Slice partial = scratch(blocks * cols);
    k.setBiasActBackward(off(g), off(z), act.ordinal(), act == Activation.LINEAR ? 0 : off(dz), cols, partial.offset,
        rows);
    launch(ArenaKernel.BIAS_ACT_BACKWARD, blocks * cols);
    columnSums(partial, blocks, cols, dbias, false);
  }

  @Override
  public void columnSums(Tensor x, int rows, int cols, Tensor out, boolean accumulate) {
    k.setColumnSums(off(x), off(out), rows, cols, accumulate);
    launch(ArenaKernel.COLUMN_SUMS, cols);
  }

  @Override
  public void softmax(Tensor x, int rows, int cols, Tensor out) {
    k.setSoftmax(off(x), off(out), cols);
    launch(ArenaKernel.SOFTMAX, rows);
  }

  @Override
  public void softmaxBackward(Tensor g, Tensor y, int rows, int cols, Tensor dx) {
    k.setSoftmaxBackward(off(g), off(y), off(dx), cols);
    launch(ArenaKernel.SOFTMAX_BACKWARD, rows);
  }

  @Override
  public void dropout(Tensor x, Tensor out, Tensor mask, int n, float rate, int seed) {
    k.setDropout(off(x), off(out), off(mask), seed, rate);
    launch(ArenaKernel.DROPOUT, n);
  }

  @Override
  public void multiply(Tensor a, Tensor b, Tensor out, int n) {
    k.setMultiply(off(a), off(b), off(out));
    launch(ArenaKernel.MULTIPLY, n);
  }

  /** Device scratch of at least {@code size} values (per-row losses, partial sums). */
  private Slice scratch(int size) {
    if (scratch == null || scratch.size < size) {
      scratch = (Slice) allocate(Math.max(size, PARTIALS));
    }
    return scratch;
  }

  @Override
  public void loss(Loss loss, Tensor out, Tensor labels, int rows, int width, Tensor grad, Tensor acc) {
    Slice s = scratch(2 * rows);
    k.setLoss(off(out), off(labels), grad == null ? 0 : off(grad), grad != null, width, loss.ordinal(), s.offset, rows);
    launch(ArenaKernel.LOSS, rows);
    // Work item 0 adds up the per-row losses, work item 1 the per-row hits.
    k.setSumInto(s.offset, off(acc), rows);
    launch(ArenaKernel.SUM_INTO, 2);
  }

  @Override
  public double sumSquares(Tensor t, int n) {
    Slice s = scratch(PARTIALS);
    k.setSquaresPartial(off(t), s.offset, n);
    launch(ArenaKernel.SQUARES_PARTIAL, PARTIALS);
    float[] partial = new float[PARTIALS];
    download(s, 0, partial, 0, PARTIALS);
    double sum = 0;
    for (float v : partial) {
      sum += v;
    }
    return sum;
  }

  @Override
  public void sgd(Tensor p, Tensor g, Tensor vel, int n, float lr, float momentum, boolean nesterov, float weightDecay,
      float gradScale) {
    k.setSgd(off(p), off(g), off(vel));
    sgdSettings(lr, momentum, nesterov, weightDecay, gradScale);
    launch(ArenaKernel.SGD, n);
  }

  @Override
  public void adam(Tensor p, Tensor g, Tensor m, Tensor v, int n, float lr, float beta1, float beta2, float epsilon,
      float weightDecay, boolean decoupled, float bc1, float bc2, float gradScale) {
    k.setAdam(off(p), off(g), off(m), off(v));
    adamSettings(lr, beta1, beta2, epsilon, weightDecay, decoupled, bc1, bc2, gradScale);
    launch(ArenaKernel.ADAM, n);
  }

  @Override
  public void sgdAll(List<Tensor> p, List<Tensor> g, List<Tensor> vel, float lr, float momentum, boolean nesterov,
      float weightDecay, float gradScale) {
    int n = table(p, g, vel, vel);
    sgdSettings(lr, momentum, nesterov, weightDecay, gradScale);
    launch(ArenaKernel.SGD_ALL, n);
  }

  @Override
  public void adamAll(List<Tensor> p, List<Tensor> g, List<Tensor> m, List<Tensor> v, float lr, float beta1,
      float beta2, float epsilon, float weightDecay, boolean decoupled, float bc1, float bc2, float gradScale) {
    int n = table(p, g, m, v);
    adamSettings(lr, beta1, beta2, epsilon, weightDecay, decoupled, bc1, bc2, gradScale);
    launch(ArenaKernel.ADAM_ALL, n);
  }

  private void sgdSettings(float lr, float momentum, boolean nesterov, float weightDecay, float gradScale) {
    k.setSgdSettings(lr, momentum, nesterov, weightDecay, gradScale);
  }

  private void adamSettings(float lr, float beta1, float beta2, float epsilon, float weightDecay, boolean decoupled,
      float bc1, float bc2, float gradScale) {
    k.setAdamSettings(lr, beta1, beta2, epsilon, weightDecay, decoupled, bc1, bc2, gradScale);
  }

  /**
   * Puts the offsets and sizes of a multi-tensor step into the kernel's table (only when they
   * changed, so a training loop uploads it once); returns the total number of values.
   */
  private int table(List<Tensor> p, List<Tensor> g, List<Tensor> s1, List<Tensor> s2) {
    int count = p.size();
    int[] rows = new int[ArenaKernel.TAB * count];
    long total = 0;
    for (int t = 0; t < count; t++) {
      int size = p.get(t).size();
      if (g.get(t).size() != size || s1.get(t).size() != size || s2.get(t).size() != size) {
        throw new IllegalArgumentException("optimizer step expected parameter, gradient and slots of one size, got "
            + size + ", " + g.get(t).size() + ", " + s1.get(t).size() + ", " + s2.get(t).size() + " for tensor " + t);
      }
      rows[t * ArenaKernel.TAB] = off(p.get(t));
      rows[t * ArenaKernel.TAB + 1] = off(g.get(t));
      rows[t * ArenaKernel.TAB + 2] = off(s1.get(t));
      rows[t * ArenaKernel.TAB + 3] = off(s2.get(t));
      rows[t * ArenaKernel.TAB + 4] = size;
      total += size;
    }
    if (total > Integer.MAX_VALUE) {
      throw new IllegalStateException("optimizer step expected at most 2^31 values, got " + total);
    }
    if (!java.util.Arrays.equals(rows, 0, rows.length, k.tab, 0, Math.min(rows.length, k.tab.length))
        || tableRows != count) {
      if (rows.length > k.tab.length) {
        k.tab = new int[rows.length];
      }
      System.arraycopy(rows, 0, k.tab, 0, rows.length);
      k.put(k.tab);
      tableRows = count;
    }
    k.setTableRows(count);
    return (int) total;
  }

  private void geometry(ConvGeometry g) {
    k.setGeometry(g.height(), g.width(), g.channels(), g.kh(), g.kw(), g.stride(), g.padTop(), g.padLeft(), g.outH(),
        g.outW());
  }

  @Override
  public void im2col(Tensor x, int rows, ConvGeometry g, Tensor cols) {
    k.setIm2col(off(x), off(cols));
    geometry(g);
    launch(ArenaKernel.IM2COL, rows * g.positions());
  }

  @Override
  public void col2im(Tensor cols, int rows, ConvGeometry g, Tensor dx) {
    k.setCol2im(off(cols), off(dx));
    geometry(g);
    launch(ArenaKernel.COL2IM, rows * g.height() * g.width());
  }

  @Override
  public void maxPool(Tensor x, int rows, ConvGeometry g, Tensor out, Tensor argmax) {
    k.setMaxPool(off(x), off(out), off(argmax));
    geometry(g);
    launch(ArenaKernel.MAXPOOL, rows * g.positions() * g.channels());
  }

  @Override
  public void maxPoolBackward(Tensor grad, Tensor argmax, int rows, ConvGeometry g, Tensor dx) {
    k.setMaxPoolBackward(off(grad), off(argmax), off(dx));
    geometry(g);
    launch(ArenaKernel.MAXPOOL_BACKWARD, rows * g.inSize());
  }

  @Override
  public void batchNormTrain(Tensor x, int m, int c, Tensor gamma, Tensor beta, float epsilon, float momentum,
      Tensor invStd, Tensor xhat, Tensor out, Tensor runMean, Tensor runVar) {
    k.setBatchNormTrain(off(x), off(gamma), off(beta), off(invStd), off(xhat), off(out), off(runMean), off(runVar), m,
        c, epsilon, momentum);
    launch(ArenaKernel.BN_TRAIN, c);
  }

  @Override
  public void batchNormInfer(Tensor x, int m, int c, Tensor gamma, Tensor beta, Tensor runMean, Tensor runVar,
      float epsilon, Tensor out) {
    k.setBatchNormInfer(off(x), off(gamma), off(beta), off(runMean), off(runVar), off(out), c, epsilon);
    launch(ArenaKernel.BN_INFER, m * c);
  }

  @Override
  public void batchNormBackward(Tensor g, Tensor xhat, Tensor gamma, Tensor invStd, int m, int c, Tensor dx,
      Tensor dgamma, Tensor dbeta) {
    k.setBatchNormBackward(off(g), off(xhat), off(gamma), off(invStd), off(dx), off(dgamma), off(dbeta), m, c);
    launch(ArenaKernel.BN_BACKWARD, c);
  }

  @Override
  public void embedding(Tensor ids, int n, Tensor table, int dim, Tensor out) {
    k.setEmbedding(off(ids), off(table), off(out), dim, table.size() / dim);
    launch(ArenaKernel.EMBEDDING, n * dim);
  }

  @Override
  public void embeddingBackward(Tensor ids, int n, Tensor grad, int dim, int vocab, Tensor gradTable) {
    k.setEmbeddingBackward(off(ids), off(gradTable), off(grad), dim, vocab, n);
    launch(ArenaKernel.EMBEDDING_BACKWARD, dim);
  }

  @Override
  public void close() {
    k.dispose();
  }
}
