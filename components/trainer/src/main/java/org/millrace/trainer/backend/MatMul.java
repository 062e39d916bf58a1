package org.millrace.trainer.backend;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-major float32 matrix products {@code C (m x n) = op(A) * op(B)}, optionally added to C.
 * Rows of C are split into blocks claimed by the calling thread and a {@link Team} of helpers;
 * each element is summed by one thread in a fixed order, p = 0..k-1 with fused multiply-adds, so
 * results do not depend on the number of threads, on timing or on the tile shape.
 *
 * <p>The loops are those of Goto's GEMM: B is packed once per call into panels of {@link
 * Tile#vectors} vector widths of columns (a B of one panel's width is read where it is); each
 * thread packs a block of A (up to {@link #BLOCK_ROWS} rows by {@link #KC} of depth, fewer rows
 * for a deep block: 384 KiB, held in L2; taller for a large B, {@link #TALL_B_FLOATS}) into
 * contiguous strips, then runs the micro-kernel over every strip for one panel at a time, so the
 * panel's slice is read from L2 (or L1) while the strips stream by. A large B is swept a group of
 * panels at a time (see {@link #GROUP_FLOATS}), each thread's rows of A then packed once for all
 * the groups. With few panels (a layer of 64 outputs, a convolution of 32 filters) packing A
 * would cost more than the products, so the kernel reads A in place, unless the product is deep
 * and A's strips can be p blocks, a cheap copy for the fastest kernel ({@link #PACKED_DEPTH}). The
 * packing buffers belong to the calling and helper threads and are reused from call to call: a
 * training step allocates no buffer here (a packed B of megabytes, allocated and zeroed per call,
 * slowed some products severalfold). An {@link Epilogue} finishes each block's rows of C while
 * they are in L2 (a bias and activation, an activation's derivative), which saves a pass over C.
 * The strips of A are laid out and packed by {@link Strips}; the micro-kernels are in {@link
 * PackedKernels} (over packed strips) and {@link InPlaceKernels} (over A where it is). Packed B
 * starts at a cache line's start ({@link Alignment}, docs/adr/0015), so that no vector load of it
 * crosses two lines.
 */
public final class MatMul {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /** Two vectors of zeros: a kernel's starting tile when it does not accumulate. */
  private static final float[] ZEROS = new float[2 * S.length()];

  /**
   * Depth of one k block. Deep, so that a tile of C is loaded and stored once for most products (a
   * tile reloaded per k block misses cache at every call; 256 deep ran the MLP's products slower,
   * and 1024 ran sgemm 2048 at two threads 2.6-3.7% slower than 2048, interleaved in one JVM): the
   * panel's slice (up to KC x tile width, 256 KiB) streams from L2 at 128 bytes per 24 fused
   * multiply-adds, well under L2's bandwidth.
   */
  private static final int KC = 2048;

  /**
   * Rows of B packed together, panel by panel: each panel's slice of them is written in one run
   * (a row at a time into every panel, the panels 128 KiB apart for a 1024-deep B, packed 4 MiB in
   * 0.45-0.65 ms at one thread; 8 rows at a time, 0.20-0.40 ms; a plain copy of 4 MiB, 0.11 ms: a
   * scratch harness, issue 15's notes).
   */
  private static final int PACK_ROWS = 8;

  /** At most this many panels of B, A is read in place rather than packed (but see {@link #PACKED_DEPTH}). */
  private static final int DIRECT_PANELS = 4;

  /**
   * From this depth on, A is packed into strips in p blocks ({@link Strips#blocked}: a vector copy
   * per PB values of a row) even for few panels: the p-block kernel then runs rather than the
   * in-place one, whose loads from 12 rows of A, a row stride apart, cost it a bounds check and an
   * index each. Measured in one JVM, the two ways called in turn (a scratch copy of this class, 40
   * samples each, two JVMs per thread count, an Intel Xeon (Ice Lake), 2026-12-07): the CNN's
   * second and third convolutions and its dense layer (10816 x 288 x 64, 1024 x 576 x 64, 64 x 1024
   * x 64) ran at 62-75, 70-72 and 59-78 GFLOP/s packed against 42-56, 48-54 and 40-75 in place at
   * one thread, and 103-111, 121-136 and 75-95 against 87-88, 93-121 and 60-87 at two; its first
   * (57600 x 27 x 32) ran in place at 22-26 and 45-55 against 23 and 40-48 packed, and stays in
   * place. The threshold between 27 and 288 is not tuned.
   */
  private static final int PACKED_DEPTH = 8 * Strips.PB;

  /** Products of fewer multiply-adds than this (a few microseconds of work) run on the calling thread. */
  private static final long SMALL = 1L << 18;

  /**
   * Rows per packed block of A, at most: 96 rows of a k block up to {@link #BLOCK_DEPTH} deep,
   * proportionally fewer for deeper ones, so that the block (384 KiB) stays in L2 beside the panel's
   * slice.
   */
  private static final int BLOCK_ROWS = 96;

  /** The depth of k block up to which a packed block of A holds all its rows (see {@link #BLOCK_ROWS}). */
  private static final int BLOCK_DEPTH = 1024;

  /**
   * Floats of B's packed k block (2 MiB) beyond which a product swept whole (not in groups, see
   * {@link #GROUP_FLOATS}) packs taller blocks of A, up to {@link #TALL_BLOCK_ROWS} rows: each block
   * streams the whole of B from L3 or memory, its first strip of 12 rows waiting on every panel's
   * slice while the next strips find it in L2, so more strips per block share that wait (the strips
   * of a block past L2 come from L3 too, at 48 bytes per p against B's 128, which the hardware's
   * prefetch keeps up with). The kernel over 8 strips and 32 panels of a 1024-deep B (4 MiB) ran
   * at 100 and 85 GFLOP/s against 126 and 100 over 4 panels (512 KiB, in L2), one JVM each, both
   * called in turn (an Intel Xeon, Ice Lake, 2026-12-07). sgemm 1024 in three JVMs, each way called
   * in turn: 84.6, 90.8 and 101.0 GFLOP/s against 77.1, 85.2 and 93.5 at one thread; 128.8, 143.8
   * and 168.9 against 132.0, 142.6 and 166.3 at two. Blocks of 192, 576 or all rows did no better
   * than 288; a B of 3 or 6 MiB ran faster in tall blocks too, one of 2 MiB (the MLP's largest) slower.
   */
  private static final long TALL_B_FLOATS = 1 << 19;

  /** As {@link #BLOCK_ROWS} for a B larger than {@link #TALL_B_FLOATS} (288 x 1024: 1.1 MiB, past L2). */
  private static final int TALL_BLOCK_ROWS = 288;

  /**
   * Floats of packed B (4 MiB) a chunk of rows sweeps at a time, at most. A larger B (a 2048 x 2048
   * product's is 16 MiB) is swept a group of panels at a time, the chunk's whole A packed once per
   * k block, so that the group stays in L3 while every block of A passes over it, instead of
   * streaming all of B from memory once per block of A (sgemm 2048 against the earlier way:
   * benchmarks/RESULTS.md, "B swept in groups of panels"); groups of 2 MiB and 8 MiB did no better.
   * The groups are for threads that share B: with one thread a B of any size is swept whole, in
   * tall blocks of A ({@link #TALL_B_FLOATS}), whose 12 strips each (at sgemm 2048's depth) share
   * every panel's wait where the groups' blocks had 4, and the touches cover the next panel (sgemm
   * 2048 at one thread, in one JVM with the grouped way called in turn, together with the touches'
   * four loads: 105.1, 112.0 and 112.5 GFLOP/s against 97.5, 103.7 and 107.8, three JVMs, an Intel
   * Xeon (Ice Lake), 2026-12-07).
   */
  private static final long GROUP_FLOATS = 1 << 20;

  /**
   * Floats of packed A (16 MiB) per chunk of rows, at most, when B is swept in groups: each
   * thread's rows are then one chunk (several for a larger A), so that the threads sweep the same
   * group of B at about the same time and one thread's reads of it from memory serve the other's
   * from L3 (two chunks ran sgemm 2048 a little faster than eight, interleaved in one JVM).
   */
  private static final long A_CHUNK_FLOATS = 1 << 22;

  /** Multiply-adds per chunk of rows a thread claims, at least (some 20 us of work): see {@link #gemm}. */
  private static final long CHUNK_WORK = 1L << 21;

  /** Floats of a cache line: packed B's buffer has this many more, so that its panels can start at a line's start. */
  private static final int LINE_FLOATS = Alignment.LINE / Float.BYTES;

  /** A product whose k block of packed B is at most this many floats (64 KiB) sweeps its tiles along C's rows. */
  private static final long ALONG_ROWS_FLOATS = 1 << 14;

  /**
   * The micro-kernel's tile of C, held in registers: rows by vector widths of columns. With 32
   * vector registers (AVX-512) 12 x 2 keeps 24 accumulators, two B vectors and a broadcast, and
   * 16 x 1 serves products at most one vector wide (a layer's 10 outputs) without padding them to
   * two; with 16 registers (AVX2, NEON) 6 x 2 keeps 12.
   */
  public enum Tile {
    T12X2(12, 2),
    T16X1(16, 1),
    T6X2(6, 2);

    final int rows;
    final int vectors;

    Tile(int rows, int vectors) {
      this.rows = rows;
      this.vectors = vectors;
    }
  }

  /**
   * What happens to a finished part of C (rows [i0, i0 + rows), columns [j0, j0 + cols), row
   * stride n) while it is still in cache: a bias and activation, an activation's derivative. Each
   * element is finished once, after its last k block; the product passes a block's rows at a time
   * (all columns), so the epilogue's own arrays are read and written along their rows.
   */
  @FunctionalInterface
  public interface Epilogue {
    void apply(float[] c, int i0, int rows, int j0, int cols, int n);
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MatMul.class);

  /** Products of at least this many multiply-adds on the p-block kernel are timed by the {@link Watch}. */
  static final long WATCHED_MACS = 1L << 24;

  /**
   * Whether the 12 x 2 tile may use strips in p blocks ({@link Strips#blocked}); false once the {@link
   * Watch} has seen its kernel stay far below its speed: the p-major strips and {@code k12x2} then
   * serve those products, with the same bits.
   */
  private volatile boolean pBlocks = true;

  private final Watch watch = new Watch(
      java.util.concurrent.TimeUnit.SECONDS.toNanos(Long.getLong("millrace.matmul.watchSeconds", 20)));

  /** The helper threads, or null with one thread. */
  private final Team team;
  private final int threads;
  /** The tile every product uses, or null to choose by this machine's vector width and n. */
  private final Tile tile;
  /** Floats of packed A per chunk of rows in {@link #grouped}, at most: {@link #A_CHUNK_FLOATS} but in tests. */
  private final long aChunkFloats;
  /** Where packed B starts in its buffer, from 0 to 15, or -1: at a cache line's start ({@link Alignment}). */
  private volatile int packedOffset = -1;
  /**
   * Per thread: [0] the packed B of the call it makes (from a cache line's start, see {@link
   * Alignment}), [1] the packed A block of the rows it computes, [2] a tile for the ragged edges of
   * C, and after it the sum of the kernel's touches of B (see {@link #sweep}).
   */
  private final ThreadLocal<float[][]> buffers = ThreadLocal.withInitial(() -> new float[3][0]);

  public MatMul(int threads) {
    this(threads, null);
  }

  /** With one tile shape for every product, or null to choose per product (tests run each shape on any machine). */
  public MatMul(int threads, Tile tile) {
    this(threads, tile, A_CHUNK_FLOATS);
  }

  /** As {@link #MatMul(int, Tile)}, packed A's chunks at most {@code aChunkFloats} (tests: {@link #A_CHUNK_FLOATS}). */
  MatMul(int threads, Tile tile, long aChunkFloats) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads expected at least 1, got " + threads);
    }
    this.threads = threads;
    this.tile = tile;
    this.aChunkFloats = aChunkFloats;
    this.team = threads > 1 ? new Team(threads - 1, "millrace-matmul") : null;
  }

  public int threads() {
    return threads;
  }

  /** The tile a product n columns wide runs on. */
  public Tile tile(int n) {
    if (tile != null) {
      return tile;
    }
    if (S.length() < 16) {
      return Tile.T6X2;
    }
    return n <= S.length() ? Tile.T16X1 : Tile.T12X2;
  }

  /** Packed B starts at index {@code offset} (0 to 15) of its buffer from now on; -1: at a line's start (tests). */
  void packedOffset(int offset) {
    if (offset < -1 || offset >= LINE_FLOATS) {
      throw new IllegalArgumentException("offset expected -1 to " + (LINE_FLOATS - 1) + ", got " + offset);
    }
    packedOffset = offset;
  }

  /** Where packed B starts in {@code buffer}: at {@code offset} if set (0 to 15), else at a cache line's start. */
  static int packedStart(float[] buffer, int offset) {
    return offset >= 0 ? offset : Alignment.lineStart(buffer);
  }

  /** Whether the 12 x 2 tile may still use strips in p blocks (see {@link Watch}). */
  boolean pBlocks() {
    return pBlocks;
  }

  /** Products from now on use p-major strips for the 12 x 2 tile, as after the {@link Watch} gives up on p blocks. */
  void stopPBlocks() {
    pBlocks = false;
  }

  /** Stops the helper threads. */
  public void close() {
    if (team != null) {
      team.close();
    }
  }

  /** C = A (m x k) * B (k x n). */
  public void nn(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
    gemm(a, k, 1, b, n, 1, c, m, k, n, accumulate, null);
  }

  /** C = A^T * B where A is (k x m) and B is (k x n). */
  public void tn(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
    gemm(a, 1, m, b, n, 1, c, m, k, n, accumulate, null);
  }

  /** C = A * B^T where A is (m x k) and B is (n x k). */
  public void nt(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
    gemm(a, k, 1, b, 1, k, c, m, k, n, accumulate, null);
  }

  /**
   * C = op(A) * op(B) (A is m x k, or k x m when transA; B is k x n, or n x k when transB), then
   * {@code epilogue} on each finished tile of C.
   */
  public void product(boolean transA, boolean transB, float[] a, float[] b, float[] c, int m, int k, int n,
      boolean accumulate, Epilogue epilogue) {
    gemm(a, transA ? 1 : k, transA ? m : 1, b, transB ? 1 : n, transB ? k : 1, c, m, k, n, accumulate, epilogue);
  }

  private float[] buffer(int which, int size) {
    float[][] held = buffers.get();
    if (held[which].length < size) {
      held[which] = new float[size];
    }
    return held[which];
  }

  /**
   * C (m x n) = A * B with A's element (i, p) at {@code a[i * ai + p * ap]} and B's (p, j) at
   * {@code b[p * bp + j * bj]}. Threads claim blocks of row groups, large ones first and smaller
   * towards the end; for each k block they pack a block's rows of A and sweep B's panels over it
   * (see the class comment). A large B is swept in groups of panels ({@link #grouped}). Every
   * element of C is summed in the order p = 0..k-1 by one thread.
   */
  private void gemm(float[] a, int ai, int ap, float[] b, int bp, int bj, float[] c, int m, int k, int n,
      boolean accumulate, Epilogue epilogue) {
    if (m == 0 || n == 0) {
      return;
    }
    Tile tile = tile(n);
    // Decided once per product: packA and the kernel must agree on the strips' layout.
    boolean pb = pBlocks && Strips.blocked(tile.rows, ap);
    long macs = (long) m * n * k;
    int w = tile.vectors * S.length();
    // Timed only where the p-block kernel does the work (not where A is read in place, see multiply).
    boolean watched = pb && macs >= WATCHED_MACS && !direct((n + w - 1) / w, ap, pb, k);
    long t0 = watched ? System.nanoTime() : 0;
    multiply(tile, pb, a, ai, ap, b, bp, bj, c, m, k, n, accumulate, epilogue);
    if (!watched) {
      return;
    }
    long t1 = System.nanoTime();
    if (watch.slow(macs, t1 - t0, t1) && pBlocks) {
      pBlocks = false;
      LOG.warn("The Java backend's p-block kernel ran {} products in a row below {} GFLOP/s, the last at {}"
          + " GFLOP/s, {} s after the first timed one: the JIT's code for it looks compiled without its vector"
          + " intrinsics (docs/adr/0014); products use p-major strips and k12x2 from now on (the same results)",
          Watch.STREAK, Watch.SLOW_FLOPS / 1e9, String.format("%.2f", 2.0 * macs / Math.max(1, t1 - t0)),
          String.format("%.1f", (t1 - watch.first()) / 1e9));
    }
  }

  /**
   * Whether the kernel reads A in place for a product of that many panels and depth k (see {@link
   * #multiply}), pb saying whether A's strips would be in p blocks.
   */
  private static boolean direct(int panels, int ap, boolean pb, int k) {
    return panels <= DIRECT_PANELS && ap == 1 && !(pb && k >= PACKED_DEPTH);
  }

  /** {@link #gemm} with the tile and the strips' layout decided (pb: p blocks, see {@link Strips#blocked}). */
  private void multiply(Tile tile, boolean pb, float[] a, int ai, int ap, float[] b, int bp, int bj, float[] c, int m,
      int k, int n, boolean accumulate, Epilogue epilogue) {
    int mr = tile.rows;
    int w = tile.vectors * S.length();
    int panels = (n + w - 1) / w;
    // A product under SMALL multiply-adds runs on the calling thread: waking the pool costs more.
    boolean inline = (long) m * n * k < SMALL;
    // B exactly one panel wide, its rows contiguous (a first convolution's 32 filters: its weight
    // gradient's B is the output gradient, megabytes), is already laid out as its packed panel.
    boolean bInPlace = n == w && bj == 1 && bp == w;
    float[] packed = bInPlace ? b : buffer(0, panels * k * w + LINE_FLOATS);
    int bOff = bInPlace ? 0 : packedStart(packed, packedOffset);
    if (!bInPlace) {
      packB(b, bp, bj, k, n, w, panels, packed, bOff, inline);
    }
    int groups = (m + mr - 1) / mr;
    // With few panels, packing A costs more than reading it where it is (each strip would serve
    // at most DIRECT_PANELS panels): the kernel then reads A's rows in place, when they are
    // contiguous, unless the product is deep and the strips p blocks (PACKED_DEPTH). A transposed
    // (a weight gradient's input) is packed whatever the panels: in place, each p of a strip is a
    // row stride further on (a convolution's weight gradient read in place ran at 139 GFLOP/s in a
    // CNN step against 178 for the input gradient of its size).
    boolean direct = direct(panels, ap, pb, k);
    int depthMax = Math.max(1, Math.min(KC, k));
    // Panels per group: all of them unless B is large and several threads share it (see
    // GROUP_FLOATS); A read in place has no packing to keep, and is swept whole.
    int groupPanels = direct || threads == 1 ? panels
        : (int) Math.max(1, Math.min(panels, GROUP_FLOATS / ((long) depthMax * w)));
    boolean tall = groupPanels == panels && (long) panels * depthMax * w > TALL_B_FLOATS;
    int rowsMax = tall ? TALL_BLOCK_ROWS : BLOCK_ROWS;
    int blockGroups = Math.max(1, Math.min(rowsMax, rowsMax * BLOCK_DEPTH / depthMax) / mr);
    if (groupPanels < panels) {
      grouped(tile, pb, a, ai, ap, packed, bOff, c, m, k, n, w, panels, groupPanels, groups, blockGroups,
          accumulate, epilogue);
      return;
    }
    // A shallow product's k block of packed B (a layer of 10 inputs, say) stays in cache in any
    // order: its tiles go along C's rows, which the hardware prefetches, rather than down a panel.
    boolean alongRows = (long) panels * w * depthMax <= ALONG_ROWS_FLOATS;
    RowBlock blocks = (from, to) -> {
      int step = Math.min(blockGroups, to - from);
      // The packed A (in place, only a ragged last group), and a vector's room after it for packA's
      // last vector copy (tn).
      int packedGroups = direct ? 1 : step;
      float[] block = buffer(1, packedGroups * mr * Strips.stripDepth(depthMax) + S.length());
      float[] edge = buffer(2, mr * w + 1);
      // k == 0 runs the loop once with an empty depth: C is zeroed (unless accumulating) and finished.
      for (int k0 = 0; k0 < Math.max(k, 1); k0 += KC) {
        int depth = Math.min(k, k0 + KC) - k0;
        boolean acc = accumulate || k0 > 0;
        for (int gb = from; gb < to; gb += step) {
          int ge = Math.min(to, gb + step);
          if (!direct) {
            Strips.packA(pb, a, ai, ap, m, mr, k0, depth, gb, ge, block);
          } else if (ge * mr > m) {
            // The ragged last group, which A cannot fill.
            Strips.packA(pb, a, ai, ap, m, mr, k0, depth, ge - 1, ge, block);
          }
          sweep(tile, pb, a, ai, ap, direct, alongRows, block, gb, edge, packed, bOff, c, m, n, w, 0, panels, k * w,
              k0, depth, gb, ge, acc);
          if (epilogue != null && k0 + KC >= k) {
            // The block's rows of C, contiguous, finished while in L2 (per tile, its scattered rows
            // of the epilogue's other arrays missed cache: a tenth of a forward product's time).
            int i0 = gb * mr;
            epilogue.apply(c, i0, Math.min(m, ge * mr) - i0, 0, n, n);
          }
        }
      }
    };
    if (inline || threads == 1) {
      blocks.run(0, groups);
      return;
    }
    // Chunks claimed by whichever thread is free: while many remain, whole blocks of rows up to an
    // eighth of the product at two threads; then smaller ones (what is left over twice the threads),
    // so that the threads finish together when one of them runs slower (a core shared with another
    // process, the JVM's own threads): with eight equal chunks, one thread stood idle at the end for
    // up to a chunk's time (0.1-0.9 ms of an 8 ms sgemm 1024 at two threads, traced). A chunk holds
    // at least CHUNK_WORK multiply-adds (claimed a block at a time, a first convolution's shallow
    // product ran at half its speed).
    int least = (int) Math.min(groups, Math.max(1, CHUNK_WORK / ((long) mr * n * Math.max(k, 1))));
    int most = Math.max((least + blockGroups - 1) / blockGroups, groups / (4 * threads) / blockGroups) * blockGroups;
    int[] bounds = new int[groups + 1];
    int count = 0;
    for (int g = 0; g < groups; count++) {
      int size = Math.min(most, Math.max(least, (groups - g + 2 * threads - 1) / (2 * threads)));
      g = Math.min(groups, g + size);
      bounds[count + 1] = g;
    }
    rows(count, count, 2, (c0, c1) -> {
      for (int ch = c0; ch < c1; ch++) {
        blocks.run(bounds[ch], bounds[ch + 1]);
      }
    });
  }

  /**
   * The product for a B larger than {@link #GROUP_FLOATS} on several threads, swept a group of
   * panels at a time: each thread's rows are one chunk, whose A it packs once per k block ({@link
   * #aChunkFloats} at a time), so that the threads sweep the same group at about the same time and
   * one thread's reads of it from memory serve the other's from L3. (Blocks of one A packed by all threads, claimed
   * group by group, ran sgemm 2048 at two threads 3-4% slower in fresh JVMs, 342 against 347-355
   * GFLOP/s.)
   *
   * <p>Each thread's work is a list of units (a block of its rows by a group of panels, group by
   * group) that any thread may claim: a thread done with its own units takes those of another that
   * are left, over the other's packed A, so the threads finish together when one runs slower (a
   * core shared with another process). With each thread held to its own rows, one of them waited
   * 2-16% of the product's time for the other at the end (sgemm 2048 at two threads, 11 products
   * per JVM, four JVMs, timed in a scratch copy). A block's rows are finished by whichever thread
   * sweeps its last group; a thread takes its next chunk (and packs over its A) only once every
   * unit over its A is done.
   */
  private void grouped(Tile tile, boolean pb, float[] a, int ai, int ap, float[] packed, int bOff, float[] c, int m,
      int k, int n, int w, int panels, int groupPanels, int groups, int blockGroups, boolean accumulate,
      Epilogue epilogue) {
    int mr = tile.rows;
    int depthMax = Math.max(1, Math.min(KC, k));
    int span = (int) Math.max(1, aChunkFloats / ((long) mr * depthMax));
    int owners = Math.min(groups, threads);
    int per = (groups + owners - 1) / owners;
    int sweeps = (panels + groupPanels - 1) / groupPanels;
    // A phase per span of each thread's rows and k block: a k block's sums follow the last one's.
    for (int s0 = 0; s0 < per; s0 += span) {
      for (int kb = 0; kb < Math.max(k, 1); kb += KC) {
        int k0 = kb;
        int depth = Math.min(k, k0 + KC) - k0;
        boolean acc = accumulate || k0 > 0;
        Epilogue finish = k0 + KC >= k ? epilogue : null;
        Share[] shares = new Share[owners];
        for (int o = 0; o < owners; o++) {
          int g0 = Math.min(groups, o * per + s0);
          int g1 = Math.max(g0, Math.min(Math.min(groups, (o + 1) * per), o * per + s0 + span));
          shares[o] = new Share(g0, g1, blockGroups, sweeps);
        }
        rows(owners, owners, 1, (o0, o1) -> {
          for (int o = o0; o < o1; o++) {
            Share own = shares[o];
            float[] edge = buffer(2, mr * w + 1);
            if (own.units > 0) {
              float[] block = buffer(1, (own.g1 - own.g0) * mr * Strips.stripDepth(depth) + S.length());
              Strips.packA(pb, a, ai, ap, m, mr, k0, depth, own.g0, own.g1, block);
              own.block = block;
            }
            // Its own units, then those another thread has not claimed yet, so that the threads
            // finish together when one of them runs slower.
            for (int i = 0; i < owners; i++) {
              Share share = shares[(o + i) % owners];
              float[] block = share.block;
              if (block == null) {
                continue;
              }
              for (int u = share.next.getAndIncrement(); u < share.units; u = share.next.getAndIncrement()) {
                try {
                  int q0 = u / share.blocks * groupPanels;
                  int b = u % share.blocks;
                  int gb = share.g0 + b * blockGroups;
                  int ge = Math.min(share.g1, gb + blockGroups);
                  sweep(tile, pb, a, ai, ap, false, false, block, share.g0, edge, packed, bOff, c, m, n, w,
                      q0, Math.min(panels, q0 + groupPanels), k * w, k0, depth, gb, ge, acc);
                  if (finish != null && share.left.decrementAndGet(b) == 0) {
                    // The block's last group of panels: its rows of C are finished.
                    int i0 = gb * mr;
                    finish.apply(c, i0, Math.min(m, ge * mr) - i0, 0, n, n);
                  }
                } finally {
                  share.finished.incrementAndGet();
                }
              }
            }
            // Its packed A is read until the last unit over it is done: the buffer is this thread's
            // again for the next chunk it takes.
            for (int spins = 0; own.finished.get() < own.units; spins++) {
              // Yields after a while, as Team.run does: the thread it waits for may be off its core.
              if (spins < 1 << 16) {
                Thread.onSpinWait();
              } else {
                Thread.yield();
              }
            }
          }
        });
      }
    }
  }

  /**
   * One thread's rows in a phase of {@link #grouped}: its packed A (set once packed) and its units, a
   * block of rows by a group of panels each, group by group, claimed by any thread.
   */
  private static final class Share {
    final int g0;
    final int g1;
    final int blocks;
    final int units;
    volatile float[] block;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();
    /** Per block: the groups of panels still to sweep over it. */
    final AtomicIntegerArray left;

    Share(int g0, int g1, int blockGroups, int sweeps) {
      this.g0 = g0;
      this.g1 = g1;
      this.blocks = (g1 - g0 + blockGroups - 1) / blockGroups;
      this.units = blocks * sweeps;
      this.left = new AtomicIntegerArray(blocks);
      for (int b = 0; b < blocks; b++) {
        left.set(b, sweeps);
      }
    }
  }

  /**
   * B's panels of w columns (the last zero-padded), each k x w, p-major, read along B's contiguous
   * dimension: with B's rows contiguous, each thread takes a range of rows and copies them into
   * every panel, {@link #PACK_ROWS} rows at a time (a panel at a time, each of its rows began a new
   * page of B for a 1024-wide B, and packing took 0.5-0.6 ms of a 7.8 ms sgemm 1024 at two threads).
   */
  private void packB(float[] b, int bp, int bj, int k, int n, int w, int panels, float[] packed, int bOff,
      boolean inline) {
    if (bj == 1) {
      int vl = S.length();
      int full = n / w;
      rows(k, inline ? Integer.MAX_VALUE : 8, (p0, p1) -> {
        for (int pb = p0; pb < p1; pb += PACK_ROWS) {
          int pe = Math.min(p1, pb + PACK_ROWS);
          for (int q = 0; q < full; q++) {
            for (int p = pb; p < pe; p++) {
              int src = p * bp + q * w;
              int dst = bOff + q * k * w + p * w;
              for (int v = 0; v < w; v += vl) {
                FloatVector.fromArray(S, b, src + v).intoArray(packed, dst + v);
              }
            }
          }
          if (full < panels) {
            int cols = n - full * w;
            for (int p = pb; p < pe; p++) {
              int dst = bOff + full * k * w + p * w;
              System.arraycopy(b, p * bp + full * w, packed, dst, cols);
              java.util.Arrays.fill(packed, dst + cols, dst + w, 0f);
            }
          }
        }
      });
      return;
    }
    // B transposed: each panel's columns are rows of B, read along p, contiguously.
    rows(panels, inline ? Integer.MAX_VALUE : 2, (q0, q1) -> {
      for (int q = q0; q < q1; q++) {
        int j0 = q * w;
        int cols = Math.min(w, n - j0);
        int base = bOff + q * k * w;
        if (cols < w) {
          for (int p = 0; p < k; p++) {
            java.util.Arrays.fill(packed, base + p * w + cols, base + (p + 1) * w, 0f);
          }
        }
        for (int j = 0; j < cols; j++) {
          int src = (j0 + j) * bj;
          for (int p = 0; p < k; p++) {
            packed[base + p * w + j] = b[src + p * bp];
          }
        }
      }
    });
  }

  /**
   * The micro-kernel over the tiles of row groups [gb, ge) and panels [q0, q1) of C: one panel at a
   * time over every strip of the block (packed, strip g at (g - origin) strips into the packed
   * buffer; or direct: read in place from A), or along the rows; ragged tiles of C go through
   * {@code edge}, a tile-sized scratch of the calling thread's. Panel by panel, the p-block kernel
   * touches the next panel's slice, a part per strip ({@code PackedKernels.b12x2}). In one JVM with
   * a copy of the class without the touches called in turn (one touch per p block then, four since:
   * {@code PackedKernels.TOUCH_STRIDE}; four JVMs per thread count, an Intel
   * Xeon, Ice Lake): sgemm 1024 at two threads 152.6-192.2 GFLOP/s against 152.9-171.2, 2048
   * 175.5-210.6 against 168.4-193.7; at one thread -6% to +8% (1024) and 0 to +9% (2048), the
   * spread of the JVMs (issue 15's notes).
   */
  private static void sweep(Tile tile, boolean pb, float[] a, int ai, int ap, boolean direct, boolean alongRows,
      float[] block, int origin, float[] edge, float[] packed, int bOff, float[] c, int m, int n, int w, int q0,
      int q1, int panelSize, int k0, int depth, int gb, int ge, boolean acc) {
    float touched = 0f;
    if (alongRows) {
      for (int g = gb; g < ge; g++) {
        for (int q = q0; q < q1; q++) {
          // B is small and in cache: the kernel touches its own slice.
          touched += tileAt(tile, pb, a, ai, ap, direct, block, packed, bOff, c, m, n, w, panelSize, k0, depth,
              origin, g, q, edge, acc, bOff + q * panelSize + k0 * w);
        }
      }
    } else {
      for (int q = q0; q < q1; q++) {
        // The panel after this one (after the last, the first again: the next block's), a part of
        // its slice per strip, TOUCH_STRIDE floats per p (see PackedKernels.b12x2).
        int next = bOff + (q + 1 < q1 ? q + 1 : q0) * panelSize + k0 * w;
        for (int g = gb; g < ge; g++) {
          int touch = next + (g - gb) % (w / PackedKernels.TOUCH_STRIDE) * (PackedKernels.TOUCH_STRIDE * depth);
          touched += tileAt(tile, pb, a, ai, ap, direct, block, packed, bOff, c, m, n, w, panelSize, k0, depth,
              origin, g, q, edge, acc, touch);
        }
      }
    }
    // Kept where the JIT cannot drop the loads that summed it.
    edge[edge.length - 1] = touched;
  }

  /** The tile of row group g and panel q. */
  private static float tileAt(Tile tile, boolean pb, float[] a, int ai, int ap, boolean direct, float[] block,
      float[] packed, int bOff, float[] c, int m, int n, int w, int panelSize, int k0, int depth, int origin, int g,
      int q, float[] edge, boolean acc, int touch) {
    int mr = tile.rows;
    int j0 = q * w;
    int cols = Math.min(w, n - j0);
    int base = bOff + q * panelSize + k0 * w;
    int i0 = g * mr;
    int rowsHere = Math.min(mr, m - i0);
    boolean inPlace = direct && rowsHere == mr;
    float[] src = inPlace ? a : block;
    int s0 = inPlace ? i0 * ai + k0 * ap : direct ? 0 : (g - origin) * mr * Strips.stripDepth(depth);
    int as = inPlace ? ap : mr;
    int ar = inPlace ? ai : 1;
    boolean inBlocks = !inPlace && pb;
    if (cols == w && rowsHere == mr) {
      return kernel(tile, src, s0, as, ar, inBlocks, packed, base, w, c, i0 * n + j0, n, depth, acc, touch);
    } else {
      for (int r = 0; r < mr; r++) {
        for (int j = 0; j < w; j++) {
          edge[r * w + j] = acc && r < rowsHere && j < cols ? c[(i0 + r) * n + j0 + j] : 0f;
        }
      }
      float touched = kernel(tile, src, s0, as, ar, inBlocks, packed, base, w, edge, 0, w, depth, true, touch);
      for (int r = 0; r < rowsHere; r++) {
        System.arraycopy(edge, r * w, c, (i0 + r) * n + j0, cols);
      }
      return touched;
    }
  }

  /**
   * The tile's micro-kernel over a packed strip (p-major: as == tile rows, ar == 1; or in p blocks:
   * inBlocks, see {@link Strips#blocked}) or over A in place. The
   * kernels load their starting tile from c0 (C itself, or zeros when not accumulating) and store
   * it to C: a branch on accumulating inside them was seen one way while C2 profiled and compiled
   * away, then taken the other way, which threw the compiled kernel out half a second into a
   * training run; and zeros stored to C just before its loads (the earlier way) made every tile
   * wait for its rows' cache misses, most of a shallow product's time.
   */
  private static float kernel(Tile tile, float[] a, int s0, int as, int ar, boolean inBlocks, float[] b, int base,
      int bw, float[] c, int co, int cs, int depth, boolean accumulate, int touch) {
    // Unless accumulating, the kernel starts from zeros, read from ZEROS (row stride 0).
    float[] c0 = accumulate ? c : ZEROS;
    int c0o = accumulate ? co : 0;
    int c0s = accumulate ? cs : 0;
    boolean packed = ar == 1 && as == tile.rows;
    switch (tile) {
      case T12X2 -> {
        if (inBlocks) {
          return PackedKernels.b12x2(a, s0, b, base, c, co, cs, c0, c0o, c0s, depth, touch);
        } else if (packed) {
          PackedKernels.k12x2(a, s0, b, base, c, co, cs, c0, c0o, c0s, depth);
        } else {
          InPlaceKernels.g12x2(a, s0, as, ar, b, base, bw, c, co, cs, c0, c0o, c0s, depth);
        }
      }
      case T16X1 -> {
        if (packed) {
          PackedKernels.k16x1(a, s0, b, base, bw, c, co, cs, c0, c0o, c0s, depth);
        } else {
          InPlaceKernels.g16x1(a, s0, as, ar, b, base, bw, c, co, cs, c0, c0o, c0s, depth);
        }
      }
      default -> {
        if (packed) {
          PackedKernels.k6x2(a, s0, b, base, bw, c, co, cs, c0, c0o, c0s, depth);
        } else {
          InPlaceKernels.g6x2(a, s0, as, ar, b, base, bw, c, co, cs, c0, c0o, c0s, depth);
        }
      }
    }
    return 0f;
  }

  /**
   * Watches the rate of large products on the p-block kernel ({@code PackedKernels.b12x2}). HotSpot's C2 has
   * been seen (about one JVM in a hundred with ADR 0014's directive, docs/adr/0014) to compile that
   * kernel without its vector intrinsics, every vector operation then a call that boxes, for as long
   * as the JVM lives: its products ran at a fiftieth of their speed or less. {@link #slow} says so
   * once {@link #STREAK} timed products in a row ran below {@link #SLOW_FLOPS}, the first timed
   * product at least {@code afterNanos} before (the JIT's first seconds, when the kernel runs
   * interpreted or in C1's code, are as slow).
   */
  static final class Watch {
    /** Slower than this (FLOP/s) is far below the kernel's speed (150-190 GFLOP/s a core with AVX-512). */
    static final double SLOW_FLOPS = 10e9;
    /** Slow products in a row. */
    static final int STREAK = 8;

    private final long afterNanos;
    private boolean started;
    private long first;
    private int slowInARow;

    Watch(long afterNanos) {
      this.afterNanos = afterNanos;
    }

    /** When the first timed product began ({@link System#nanoTime}). */
    synchronized long first() {
      return first;
    }

    /**
     * Records a product of {@code macs} multiply-adds that took {@code nanos} and ended at {@code
     * now}; true when the kernel looks left slow.
     */
    synchronized boolean slow(long macs, long nanos, long now) {
      if (!started) {
        started = true;
        first = now - nanos;
      }
      if (2.0 * macs * 1e9 >= SLOW_FLOPS * Math.max(1, nanos)) {
        slowInARow = 0;
        return false;
      }
      slowInARow++;
      return slowInARow >= STREAK && now - first >= afterNanos;
    }
  }

  @FunctionalInterface
  interface RowBlock {
    void run(int from, int to);
  }

  /** As {@link #rows(int, int, RowBlock)} with at least 16 rows per thread. */
  void rows(int m, RowBlock block) {
    rows(m, 16, block);
  }

  /**
   * Runs {@code block} over [0, m) split into contiguous ranges (four per thread, for balance) on
   * the calling thread and the team; inline for one thread or m under {@code minPerThread}.
   */
  void rows(int m, int minPerThread, RowBlock block) {
    rows(m, Math.min(m, threads * 4), minPerThread, block);
  }

  /** As {@link #rows(int, int, RowBlock)} in {@code chunks} ranges, claimed by whichever thread is free. */
  void rows(int m, int chunks, int minPerThread, RowBlock block) {
    if (threads == 1 || m < minPerThread) {
      block.run(0, m);
      return;
    }
    team.run(m, chunks, block);
  }
}
