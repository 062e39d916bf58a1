package org.millrace.trainer.backend;

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
 * for a deep block: 384 KiB, held in L2) into contiguous strips, then runs the
 * micro-kernel over every strip for one panel at a time, so the panel's slice is read from L2 (or
 * L1) while the strips stream by. A large B is swept a group of panels at a time (see {@link
 * #GROUP_FLOATS}), each thread's rows of A then packed once for all the groups. With few panels
 * (a layer of 64 outputs, a convolution of 32 filters) packing A would cost more than the
 * products, so the kernel reads A in place. The
 * packing buffers belong to the calling and helper threads and are reused from call to call: a
 * training step allocates nothing here (a packed B of megabytes, allocated and zeroed per call,
 * slowed some products severalfold). An {@link Epilogue} finishes each block's rows of C while
 * they are in L2 (a bias and activation, an activation's derivative), which saves a pass over C.
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

  /** At most this many panels of B, A is read in place rather than packed. */
  private static final int DIRECT_PANELS = 4;

  /** Products of fewer multiply-adds than this (a few microseconds of work) run on the calling thread. */
  private static final long SMALL = 1L << 18;

  /**
   * Rows per packed block of A, at most: 96 rows of a k block up to 1024 deep, fewer for deeper ones
   * ({@link #A_BLOCK_FLOATS}), so that the block (384 KiB) stays in L2 beside the panel's slice.
   */
  private static final int BLOCK_ROWS = 96;

  /** Floats per packed block of A, at most (96 x 1024: 384 KiB). */
  private static final int A_BLOCK_FLOATS = BLOCK_ROWS * 1024;

  /**
   * Floats of packed B (4 MiB) a chunk of rows sweeps at a time, at most. A larger B (a 2048 x 2048
   * product's is 16 MiB) is swept a group of panels at a time, the chunk's whole A packed once per
   * k block, so that the group stays in L3 while every block of A passes over it, instead of
   * streaming all of B from memory once per block of A (sgemm 2048 against the earlier way:
   * benchmarks/RESULTS.md, "B swept in groups of panels"); groups of 2 MiB and 8 MiB did no better.
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
   * Whether the 12 x 2 tile may use strips in p blocks ({@link #blocked}); false once the {@link
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
  /**
   * Per thread: [0] the packed B of the call it makes, [1] the packed A block of the rows it computes, [2] a
   * tile for the ragged edges of C (see {@link #grouped}).
   */
  private final ThreadLocal<float[][]> buffers = ThreadLocal.withInitial(() -> new float[3][0]);

  public MatMul(int threads) {
    this(threads, null);
  }

  /** With one tile shape for every product, or null to choose per product (tests run each shape on any machine). */
  public MatMul(int threads, Tile tile) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads expected at least 1, got " + threads);
    }
    this.threads = threads;
    this.tile = tile;
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
    boolean pb = pBlocks && blocked(tile.rows, ap);
    long macs = (long) m * n * k;
    int w = tile.vectors * S.length();
    // Timed only where the p-block kernel does the work (not where A is read in place, see multiply).
    boolean watched = pb && macs >= WATCHED_MACS && !direct((n + w - 1) / w, ap);
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

  /** Whether the kernel reads A in place for a product of that many panels (see {@link #multiply}). */
  private static boolean direct(int panels, int ap) {
    return panels <= DIRECT_PANELS && ap == 1;
  }

  /** {@link #gemm} with the tile and the strips' layout decided (pb: p blocks, see {@link #blocked}). */
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
    float[] packed = bInPlace ? b : buffer(0, panels * k * w);
    if (!bInPlace) {
      packB(b, bp, bj, k, n, w, panels, packed, inline);
    }
    int groups = (m + mr - 1) / mr;
    // With few panels, packing A costs more than reading it where it is (each strip would serve
    // at most DIRECT_PANELS panels): the kernel then reads A's rows in place, when they are
    // contiguous. A transposed (a weight gradient's input) is packed whatever the panels: in place,
    // each p of a strip is a row stride further on (a convolution's weight gradient read in place
    // ran at 139 GFLOP/s in a CNN step against 178 for the input gradient of its size).
    boolean direct = direct(panels, ap);
    int depthMax = Math.max(1, Math.min(KC, k));
    int blockGroups = Math.max(1, Math.min(BLOCK_ROWS, A_BLOCK_FLOATS / depthMax) / mr);
    // Panels per group: all of them unless B is large (see GROUP_FLOATS); A read in place has no
    // packing to keep, and is swept whole.
    int groupPanels = direct ? panels : (int) Math.max(1, Math.min(panels, GROUP_FLOATS / ((long) depthMax * w)));
    if (groupPanels < panels) {
      grouped(tile, pb, a, ai, ap, packed, c, m, k, n, w, panels, groupPanels, groups, blockGroups, accumulate,
          epilogue);
      return;
    }
    // A shallow product's k block of packed B (a layer of 10 inputs, say) stays in cache in any
    // order: its tiles go along C's rows, which the hardware prefetches, rather than down a panel.
    boolean alongRows = (long) panels * w * depthMax <= ALONG_ROWS_FLOATS;
    RowBlock blocks = (from, to) -> {
      int step = Math.min(blockGroups, to - from);
      // The packed A (in place, only a ragged last group), then a tile-sized scratch for the
      // ragged edges of C.
      int packedGroups = direct ? 1 : step;
      float[] block = buffer(1, packedGroups * mr * stripDepth(depthMax) + mr * w);
      // k == 0 runs the loop once with an empty depth: C is zeroed (unless accumulating) and finished.
      for (int k0 = 0; k0 < Math.max(k, 1); k0 += KC) {
        int depth = Math.min(k, k0 + KC) - k0;
        boolean acc = accumulate || k0 > 0;
        int scratch = packedGroups * mr * stripDepth(depth);
        for (int gb = from; gb < to; gb += step) {
          int ge = Math.min(to, gb + step);
          if (!direct) {
            packA(pb, a, ai, ap, m, mr, k0, depth, gb, ge, block);
          } else if (ge * mr > m) {
            // The ragged last group, which A cannot fill.
            packA(pb, a, ai, ap, m, mr, k0, depth, ge - 1, ge, block);
          }
          sweep(tile, pb, a, ai, ap, direct, alongRows, block, gb, block, scratch, packed, c, m, n, w, 0, panels, k * w, k0,
              depth, gb, ge, acc);
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
   * The product for a B larger than {@link #GROUP_FLOATS}, swept a group of panels at a time: each
   * thread's rows are one chunk, whose A it packs once per k block ({@link #A_CHUNK_FLOATS} at a
   * time), so that the threads sweep the same group at about the same time and one thread's reads
   * of it from memory serve the other's from L3. (Blocks of one A packed by all threads, claimed
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
  private void grouped(Tile tile, boolean pb, float[] a, int ai, int ap, float[] packed, float[] c, int m, int k,
      int n, int w, int panels, int groupPanels, int groups, int blockGroups, boolean accumulate, Epilogue epilogue) {
    int mr = tile.rows;
    int depthMax = Math.max(1, Math.min(KC, k));
    int span = (int) Math.max(1, A_CHUNK_FLOATS / ((long) mr * depthMax));
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
            if (own.units > 0) {
              float[] block = buffer(1, (own.g1 - own.g0) * mr * stripDepth(depth));
              packA(pb, a, ai, ap, m, mr, k0, depth, own.g0, own.g1, block);
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
                  sweep(tile, pb, a, ai, ap, false, false, block, share.g0, buffer(2, mr * w), 0, packed, c, m, n, w,
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
            while (own.finished.get() < own.units) {
              Thread.onSpinWait();
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
    final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
    /** Per block: the groups of panels still to sweep over it. */
    final java.util.concurrent.atomic.AtomicIntegerArray left;

    Share(int g0, int g1, int blockGroups, int sweeps) {
      this.g0 = g0;
      this.g1 = g1;
      this.blocks = (g1 - g0 + blockGroups - 1) / blockGroups;
      this.units = blocks * sweeps;
      this.left = new java.util.concurrent.atomic.AtomicIntegerArray(blocks);
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
  private void packB(float[] b, int bp, int bj, int k, int n, int w, int panels, float[] packed, boolean inline) {
    if (bj == 1) {
      int vl = S.length();
      int full = n / w;
      rows(k, inline ? Integer.MAX_VALUE : 8, (p0, p1) -> {
        for (int pb = p0; pb < p1; pb += PACK_ROWS) {
          int pe = Math.min(p1, pb + PACK_ROWS);
          for (int q = 0; q < full; q++) {
            for (int p = pb; p < pe; p++) {
              int src = p * bp + q * w;
              int dst = q * k * w + p * w;
              for (int v = 0; v < w; v += vl) {
                FloatVector.fromArray(S, b, src + v).intoArray(packed, dst + v);
              }
            }
          }
          if (full < panels) {
            int cols = n - full * w;
            for (int p = pb; p < pe; p++) {
              int dst = full * k * w + p * w;
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
        int base = q * k * w;
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

  /** Depth of a p block of a strip in {@link #blocked} layout: one vector of a row of A. */
  private static final int PB = 16;

  /** Floats a packed strip of mr rows takes per row: depth rounded up to whole p blocks. */
  private static int stripDepth(int depth) {
    return (depth + PB - 1) / PB * PB;
  }

  /**
   * Whether a packed strip is laid out in p blocks (a block of {@link #PB} p holding each of the
   * 12 rows' PB values in turn: row r's element p at {@code (p / PB) * PB * 12 + r * PB + p % PB})
   * rather than p-major: for the 12 x 2 tile when A's rows are contiguous (nn, nt), whose packing
   * is then one vector copy per PB values of a row (p-major, each value went alone to its place
   * 48 bytes from the last: 42 us per 96 x 1024 block, a twentieth of the block's products, against
   * 8-9 us for the copy, in a scratch harness). A transposed (tn) keeps p-major strips, copied mr
   * values at a time: copied into p blocks a value at a time, the CNN's weight gradients (an A of
   * 57,600 x 288) ran its step at 3,466 against 4,131 samples/s (DeviceBenchmark, six fresh JVMs
   * each), for one kernel fewer to compile.
   */
  private static boolean blocked(int mr, int ap) {
    return mr == 12 && ap == 1 && S.length() == PB;
  }

  /**
   * Row groups [gb, ge) of A, depth columns from k0, as strips of mr rows (zero rows past m; p
   * blocks when pb, which {@link #blocked} allows, else p-major), copied along A's contiguous
   * dimension: row by row when A's rows are contiguous (nn, nt), mr values at a time when its
   * columns are (tn).
   */
  private static void packA(boolean pb, float[] a, int ai, int ap, int m, int mr, int k0, int depth, int gb, int ge,
      float[] block) {
    for (int g = gb; g < ge; g++) {
      int i0 = g * mr;
      int rowsHere = Math.min(mr, m - i0);
      int strip = (g - gb) * mr * stripDepth(depth);
      if (pb) {
        int full = depth / PB * PB;
        for (int r = 0; r < mr; r++) {
          int dst = strip + r * PB;
          if (r < rowsHere) {
            int src = (i0 + r) * ai + k0;
            for (int p = 0; p < full; p += PB) {
              FloatVector.fromArray(S, a, src + p).intoArray(block, dst + p * mr);
            }
            for (int p = full; p < depth; p++) {
              block[dst + full * mr + p - full] = a[src + p];
            }
          } else {
            // Rows past m: their products go to scratch and are dropped; zeros keep a stale
            // buffer's values (NaNs, subnormals) out of the kernel.
            for (int p = 0; p < depth; p += PB) {
              java.util.Arrays.fill(block, dst + p * mr, dst + p * mr + PB, 0f);
            }
          }
        }
      } else if (ap == 1) {
        for (int r = 0; r < mr; r++) {
          int dst = strip + r;
          if (r < rowsHere) {
            int src = (i0 + r) * ai + k0;
            for (int p = 0; p < depth; p++) {
              block[dst + p * mr] = a[src + p];
            }
          } else {
            for (int p = 0; p < depth; p++) {
              block[dst + p * mr] = 0f;
            }
          }
        }
      } else if (ai == 1 && rowsHere == mr) {
        // A's columns are contiguous (tn): mr values per p. One vector copies them when it can
        // (its lanes past mr land where the next p's values, or the next strip, go next).
        int p = 0;
        if (S.length() >= mr && block.length - strip >= depth * mr + S.length()) {
          // The last p whose vector stays inside A.
          int last = Math.min(depth, Math.floorDiv(a.length - S.length() - i0, ap) - k0 + 1);
          for (; p < last; p++) {
            FloatVector.fromArray(S, a, (k0 + p) * ap + i0).intoArray(block, strip + p * mr);
          }
        }
        for (; p < depth; p++) {
          System.arraycopy(a, (k0 + p) * ap + i0, block, strip + p * mr, mr);
        }
      } else {
        for (int p = 0; p < depth; p++) {
          int o = strip + p * mr;
          int src = (k0 + p) * ap;
          for (int r = 0; r < rowsHere; r++) {
            block[o + r] = a[(i0 + r) * ai + src];
          }
          for (int r = rowsHere; r < mr; r++) {
            block[o + r] = 0f;
          }
        }
      }
    }
  }

  /**
   * The micro-kernel over the tiles of row groups [gb, ge) and panels [q0, q1) of C: one panel at a
   * time over every strip of the block (packed, strip g at (g - origin) strips into the packed
   * buffer; or direct: read in place from A), or along the rows; ragged tiles of C go through
   * scratch (at that offset in the packed buffer).
   */
  private static void sweep(Tile tile, boolean pb, float[] a, int ai, int ap, boolean direct, boolean alongRows,
      float[] block, int origin, float[] edge, int scratch, float[] packed, float[] c, int m, int n, int w, int q0, int q1,
      int panelSize, int k0, int depth, int gb, int ge, boolean acc) {
    if (alongRows) {
      for (int g = gb; g < ge; g++) {
        for (int q = q0; q < q1; q++) {
          tileAt(tile, pb, a, ai, ap, direct, block, packed, c, m, n, w, panelSize, k0, depth, origin, g, q, edge, scratch,
              acc);
        }
      }
    } else {
      for (int q = q0; q < q1; q++) {
        for (int g = gb; g < ge; g++) {
          tileAt(tile, pb, a, ai, ap, direct, block, packed, c, m, n, w, panelSize, k0, depth, origin, g, q, edge, scratch,
              acc);
        }
      }
    }
  }

  /** The tile of row group g and panel q. */
  private static void tileAt(Tile tile, boolean pb, float[] a, int ai, int ap, boolean direct, float[] block,
      float[] packed, float[] c, int m, int n, int w, int panelSize, int k0, int depth, int origin, int g, int q,
      float[] edge, int scratch, boolean acc) {
    int mr = tile.rows;
    int j0 = q * w;
    int cols = Math.min(w, n - j0);
    int base = q * panelSize + k0 * w;
    int i0 = g * mr;
    int rowsHere = Math.min(mr, m - i0);
    boolean inPlace = direct && rowsHere == mr;
    float[] src = inPlace ? a : block;
    int s0 = inPlace ? i0 * ai + k0 * ap : direct ? 0 : (g - origin) * mr * stripDepth(depth);
    int as = inPlace ? ap : mr;
    int ar = inPlace ? ai : 1;
    boolean inBlocks = !inPlace && pb;
    if (cols == w && rowsHere == mr) {
      kernel(tile, src, s0, as, ar, inBlocks, packed, base, w, c, i0 * n + j0, n, depth, acc);
    } else {
      for (int r = 0; r < mr; r++) {
        for (int j = 0; j < w; j++) {
          edge[scratch + r * w + j] = acc && r < rowsHere && j < cols ? c[(i0 + r) * n + j0 + j] : 0f;
        }
      }
      kernel(tile, src, s0, as, ar, inBlocks, packed, base, w, edge, scratch, w, depth, true);
      for (int r = 0; r < rowsHere; r++) {
        System.arraycopy(edge, scratch + r * w, c, (i0 + r) * n + j0, cols);
      }
    }
  }

  /**
   * The tile's micro-kernel over a packed strip (p-major: as == tile rows, ar == 1; or in p blocks:
   * inBlocks, see {@link #blocked}) or over A in place. The
   * kernels load their starting tile from c0 (C itself, or zeros when not accumulating) and store
   * it to C: a branch on accumulating inside them was seen one way while C2 profiled and compiled
   * away, then taken the other way, which threw the compiled kernel out half a second into a
   * training run; and zeros stored to C just before its loads (the earlier way) made every tile
   * wait for its rows' cache misses, most of a shallow product's time.
   */
  private static void kernel(Tile tile, float[] a, int s0, int as, int ar, boolean inBlocks, float[] b, int base,
      int bw, float[] c, int co, int cs, int depth, boolean accumulate) {
    // Unless accumulating, the kernel starts from zeros, read from ZEROS (row stride 0).
    float[] c0 = accumulate ? c : ZEROS;
    int c0o = accumulate ? co : 0;
    int c0s = accumulate ? cs : 0;
    boolean packed = ar == 1 && as == tile.rows;
    switch (tile) {
      case T12X2 -> {
        if (inBlocks) {
          b12x2(a, s0, b, base, c, co, cs, c0, c0o, c0s, depth);
        } else if (packed) {
          k12x2(a, s0, b, base, bw, c, co, cs, c0, c0o, c0s, depth);
        } else {
          g12x2(a, s0, as, ar, b, base, bw, c, co, cs, c0, c0o, c0s, depth);
        }
      }
      case T16X1 -> {
        if (packed) {
          k16x1(a, s0, b, base, bw, c, co, cs, c0, c0o, c0s, depth);
        } else {
          g16x1(a, s0, as, ar, b, base, bw, c, co, cs, c0, c0o, c0s, depth);
        }
      }
      default -> {
        if (packed) {
          k6x2(a, s0, b, base, bw, c, co, cs, c0, c0o, c0s, depth);
        } else {
          g6x2(a, s0, as, ar, b, base, bw, c, co, cs, c0, c0o, c0s, depth);
        }
      }
    }
  }

  /**
   * {@code C[12 x 2 vectors] = C0 + strip (depth x 12, p-major) * panel (depth x 2 vectors)}; C at co, row
   * stride cs; C0 at c0o in c0, row stride c0s.
   */
  private static void k12x2(float[] strip, int s0, float[] b, int base, int bw, float[] c, int co, int cs,
      float[] c0, int c0o, int c0s, int depth) {
    int vl = S.length();
    FloatVector c0_0 = FloatVector.fromArray(S, c0, c0o);
    FloatVector c0_1 = FloatVector.fromArray(S, c0, c0o + vl);
    FloatVector c1_0 = FloatVector.fromArray(S, c0, c0o + c0s);
    FloatVector c1_1 = FloatVector.fromArray(S, c0, c0o + c0s + vl);
    FloatVector c2_0 = FloatVector.fromArray(S, c0, c0o + 2 * c0s);
    FloatVector c2_1 = FloatVector.fromArray(S, c0, c0o + 2 * c0s + vl);
    FloatVector c3_0 = FloatVector.fromArray(S, c0, c0o + 3 * c0s);
    FloatVector c3_1 = FloatVector.fromArray(S, c0, c0o + 3 * c0s + vl);
    FloatVector c4_0 = FloatVector.fromArray(S, c0, c0o + 4 * c0s);
    FloatVector c4_1 = FloatVector.fromArray(S, c0, c0o + 4 * c0s + vl);
    FloatVector c5_0 = FloatVector.fromArray(S, c0, c0o + 5 * c0s);
    FloatVector c5_1 = FloatVector.fromArray(S, c0, c0o + 5 * c0s + vl);
    FloatVector c6_0 = FloatVector.fromArray(S, c0, c0o + 6 * c0s);
    FloatVector c6_1 = FloatVector.fromArray(S, c0, c0o + 6 * c0s + vl);
    FloatVector c7_0 = FloatVector.fromArray(S, c0, c0o + 7 * c0s);
    FloatVector c7_1 = FloatVector.fromArray(S, c0, c0o + 7 * c0s + vl);
    FloatVector c8_0 = FloatVector.fromArray(S, c0, c0o + 8 * c0s);
    FloatVector c8_1 = FloatVector.fromArray(S, c0, c0o + 8 * c0s + vl);
    FloatVector c9_0 = FloatVector.fromArray(S, c0, c0o + 9 * c0s);
    FloatVector c9_1 = FloatVector.fromArray(S, c0, c0o + 9 * c0s + vl);
    FloatVector c10_0 = FloatVector.fromArray(S, c0, c0o + 10 * c0s);
    FloatVector c10_1 = FloatVector.fromArray(S, c0, c0o + 10 * c0s + vl);
    FloatVector c11_0 = FloatVector.fromArray(S, c0, c0o + 11 * c0s);
    FloatVector c11_1 = FloatVector.fromArray(S, c0, c0o + 11 * c0s + vl);
    for (int p = 0; p < depth; p++) {
      int bo = base + p * bw;
      var b0 = FloatVector.fromArray(S, b, bo);
      var b1 = FloatVector.fromArray(S, b, bo + vl);
      int so = s0 + p * 12;
      var x0 = FloatVector.broadcast(S, strip[so]);
      c0_0 = x0.fma(b0, c0_0);
      c0_1 = x0.fma(b1, c0_1);
      var x1 = FloatVector.broadcast(S, strip[so + 1]);
      c1_0 = x1.fma(b0, c1_0);
      c1_1 = x1.fma(b1, c1_1);
      var x2 = FloatVector.broadcast(S, strip[so + 2]);
      c2_0 = x2.fma(b0, c2_0);
      c2_1 = x2.fma(b1, c2_1);
      var x3 = FloatVector.broadcast(S, strip[so + 3]);
      c3_0 = x3.fma(b0, c3_0);
      c3_1 = x3.fma(b1, c3_1);
      var x4 = FloatVector.broadcast(S, strip[so + 4]);
      c4_0 = x4.fma(b0, c4_0);
      c4_1 = x4.fma(b1, c4_1);
      var x5 = FloatVector.broadcast(S, strip[so + 5]);
      c5_0 = x5.fma(b0, c5_0);
      c5_1 = x5.fma(b1, c5_1);
      var x6 = FloatVector.broadcast(S, strip[so + 6]);
      c6_0 = x6.fma(b0, c6_0);
      c6_1 = x6.fma(b1, c6_1);
      var x7 = FloatVector.broadcast(S, strip[so + 7]);
      c7_0 = x7.fma(b0, c7_0);
      c7_1 = x7.fma(b1, c7_1);
      var x8 = FloatVector.broadcast(S, strip[so + 8]);
      c8_0 = x8.fma(b0, c8_0);
      c8_1 = x8.fma(b1, c8_1);
      var x9 = FloatVector.broadcast(S, strip[so + 9]);
      c9_0 = x9.fma(b0, c9_0);
      c9_1 = x9.fma(b1, c9_1);
      var x10 = FloatVector.broadcast(S, strip[so + 10]);
      c10_0 = x10.fma(b0, c10_0);
      c10_1 = x10.fma(b1, c10_1);
      var x11 = FloatVector.broadcast(S, strip[so + 11]);
      c11_0 = x11.fma(b0, c11_0);
      c11_1 = x11.fma(b1, c11_1);
    }
    c0_0.intoArray(c, co);
    c0_1.intoArray(c, co + vl);
    c1_0.intoArray(c, co + cs);
    c1_1.intoArray(c, co + cs + vl);
    c2_0.intoArray(c, co + 2 * cs);
    c2_1.intoArray(c, co + 2 * cs + vl);
    c3_0.intoArray(c, co + 3 * cs);
    c3_1.intoArray(c, co + 3 * cs + vl);
    c4_0.intoArray(c, co + 4 * cs);
    c4_1.intoArray(c, co + 4 * cs + vl);
    c5_0.intoArray(c, co + 5 * cs);
    c5_1.intoArray(c, co + 5 * cs + vl);
    c6_0.intoArray(c, co + 6 * cs);
    c6_1.intoArray(c, co + 6 * cs + vl);
    c7_0.intoArray(c, co + 7 * cs);
    c7_1.intoArray(c, co + 7 * cs + vl);
    c8_0.intoArray(c, co + 8 * cs);
    c8_1.intoArray(c, co + 8 * cs + vl);
    c9_0.intoArray(c, co + 9 * cs);
    c9_1.intoArray(c, co + 9 * cs + vl);
    c10_0.intoArray(c, co + 10 * cs);
    c10_1.intoArray(c, co + 10 * cs + vl);
    c11_0.intoArray(c, co + 11 * cs);
    c11_1.intoArray(c, co + 11 * cs + vl);
  }

  /**
   * As {@link #k12x2} over a strip in p blocks ({@link #blocked}): row r's element p at {@code s0 + p
   * + (p / PB) * PB * 11 + r * PB}; the panel's rows 2 vectors apart (a constant stride, so that the
   * JIT hoists B's bounds checks out of the loop). Two p per iteration (p even: p + 1 is in the same
   * p block), each in the order p = 0..depth-1: fewer instructions per multiply-add, so that more of
   * them are in flight while B's panel comes from L3 for the first strip (a scratch harness, three
   * fresh JVMs each, one p at a time against two: sgemm 2048 at one thread 172-182 against 182-186
   * GFLOP/s, 1024 182-193 against 181-197).
   * Its size is near what C1 compiles with profiles: a copy that also stored each row of B ran C1
   * out of registers ("out of virtual registers in linear scan"), stayed in C1's code without
   * profiles and ran sgemm 1024 at a third of its speed; keep it no larger.
   */
  private static void b12x2(float[] strip, int s0, float[] b, int base, float[] c, int co, int cs,
      float[] c0, int c0o, int c0s, int depth) {
    int vl = S.length();
    FloatVector c0_0 = FloatVector.fromArray(S, c0, c0o);
    FloatVector c0_1 = FloatVector.fromArray(S, c0, c0o + vl);
    FloatVector c1_0 = FloatVector.fromArray(S, c0, c0o + c0s);
    FloatVector c1_1 = FloatVector.fromArray(S, c0, c0o + c0s + vl);
    FloatVector c2_0 = FloatVector.fromArray(S, c0, c0o + 2 * c0s);
    FloatVector c2_1 = FloatVector.fromArray(S, c0, c0o + 2 * c0s + vl);
    FloatVector c3_0 = FloatVector.fromArray(S, c0, c0o + 3 * c0s);
    FloatVector c3_1 = FloatVector.fromArray(S, c0, c0o + 3 * c0s + vl);
    FloatVector c4_0 = FloatVector.fromArray(S, c0, c0o + 4 * c0s);
    FloatVector c4_1 = FloatVector.fromArray(S, c0, c0o + 4 * c0s + vl);
    FloatVector c5_0 = FloatVector.fromArray(S, c0, c0o + 5 * c0s);
    FloatVector c5_1 = FloatVector.fromArray(S, c0, c0o + 5 * c0s + vl);
    FloatVector c6_0 = FloatVector.fromArray(S, c0, c0o + 6 * c0s);
    FloatVector c6_1 = FloatVector.fromArray(S, c0, c0o + 6 * c0s + vl);
    FloatVector c7_0 = FloatVector.fromArray(S, c0, c0o + 7 * c0s);
    FloatVector c7_1 = FloatVector.fromArray(S, c0, c0o + 7 * c0s + vl);
    FloatVector c8_0 = FloatVector.fromArray(S, c0, c0o + 8 * c0s);
    FloatVector c8_1 = FloatVector.fromArray(S, c0, c0o + 8 * c0s + vl);
    FloatVector c9_0 = FloatVector.fromArray(S, c0, c0o + 9 * c0s);
    FloatVector c9_1 = FloatVector.fromArray(S, c0, c0o + 9 * c0s + vl);
    FloatVector c10_0 = FloatVector.fromArray(S, c0, c0o + 10 * c0s);
    FloatVector c10_1 = FloatVector.fromArray(S, c0, c0o + 10 * c0s + vl);
    FloatVector c11_0 = FloatVector.fromArray(S, c0, c0o + 11 * c0s);
    FloatVector c11_1 = FloatVector.fromArray(S, c0, c0o + 11 * c0s + vl);
    int p = 0;
    for (; p + 1 < depth; p += 2) {
      int bo = base + p * (2 * vl);
      var b0 = FloatVector.fromArray(S, b, bo);
      var b1 = FloatVector.fromArray(S, b, bo + vl);
      int so = s0 + p + p / PB * (PB * 11);
      var x0 = FloatVector.broadcast(S, strip[so]);
      c0_0 = x0.fma(b0, c0_0);
      c0_1 = x0.fma(b1, c0_1);
      var x1 = FloatVector.broadcast(S, strip[so + 1 * PB]);
      c1_0 = x1.fma(b0, c1_0);
      c1_1 = x1.fma(b1, c1_1);
      var x2 = FloatVector.broadcast(S, strip[so + 2 * PB]);
      c2_0 = x2.fma(b0, c2_0);
      c2_1 = x2.fma(b1, c2_1);
      var x3 = FloatVector.broadcast(S, strip[so + 3 * PB]);
      c3_0 = x3.fma(b0, c3_0);
      c3_1 = x3.fma(b1, c3_1);
      var x4 = FloatVector.broadcast(S, strip[so + 4 * PB]);
      c4_0 = x4.fma(b0, c4_0);
      c4_1 = x4.fma(b1, c4_1);
      var x5 = FloatVector.broadcast(S, strip[so + 5 * PB]);
      c5_0 = x5.fma(b0, c5_0);
      c5_1 = x5.fma(b1, c5_1);
      var x6 = FloatVector.broadcast(S, strip[so + 6 * PB]);
      c6_0 = x6.fma(b0, c6_0);
      c6_1 = x6.fma(b1, c6_1);
      var x7 = FloatVector.broadcast(S, strip[so + 7 * PB]);
      c7_0 = x7.fma(b0, c7_0);
      c7_1 = x7.fma(b1, c7_1);
      var x8 = FloatVector.broadcast(S, strip[so + 8 * PB]);
      c8_0 = x8.fma(b0, c8_0);
      c8_1 = x8.fma(b1, c8_1);
      var x9 = FloatVector.broadcast(S, strip[so + 9 * PB]);
      c9_0 = x9.fma(b0, c9_0);
      c9_1 = x9.fma(b1, c9_1);
      var x10 = FloatVector.broadcast(S, strip[so + 10 * PB]);
      c10_0 = x10.fma(b0, c10_0);
      c10_1 = x10.fma(b1, c10_1);
      var x11 = FloatVector.broadcast(S, strip[so + 11 * PB]);
      c11_0 = x11.fma(b0, c11_0);
      c11_1 = x11.fma(b1, c11_1);
      int bo2 = bo + 2 * vl;
      var b0n = FloatVector.fromArray(S, b, bo2);
      var b1n = FloatVector.fromArray(S, b, bo2 + vl);
      int so2 = so + 1;
      var x0n = FloatVector.broadcast(S, strip[so2]);
      c0_0 = x0n.fma(b0n, c0_0);
      c0_1 = x0n.fma(b1n, c0_1);
      var x1n = FloatVector.broadcast(S, strip[so2 + 1 * PB]);
      c1_0 = x1n.fma(b0n, c1_0);
      c1_1 = x1n.fma(b1n, c1_1);
      var x2n = FloatVector.broadcast(S, strip[so2 + 2 * PB]);
      c2_0 = x2n.fma(b0n, c2_0);
      c2_1 = x2n.fma(b1n, c2_1);
      var x3n = FloatVector.broadcast(S, strip[so2 + 3 * PB]);
      c3_0 = x3n.fma(b0n, c3_0);
      c3_1 = x3n.fma(b1n, c3_1);
      var x4n = FloatVector.broadcast(S, strip[so2 + 4 * PB]);
      c4_0 = x4n.fma(b0n, c4_0);
      c4_1 = x4n.fma(b1n, c4_1);
      var x5n = FloatVector.broadcast(S, strip[so2 + 5 * PB]);
      c5_0 = x5n.fma(b0n, c5_0);
      c5_1 = x5n.fma(b1n, c5_1);
      var x6n = FloatVector.broadcast(S, strip[so2 + 6 * PB]);
      c6_0 = x6n.fma(b0n, c6_0);
      c6_1 = x6n.fma(b1n, c6_1);
      var x7n = FloatVector.broadcast(S, strip[so2 + 7 * PB]);
      c7_0 = x7n.fma(b0n, c7_0);
      c7_1 = x7n.fma(b1n, c7_1);
      var x8n = FloatVector.broadcast(S, strip[so2 + 8 * PB]);
      c8_0 = x8n.fma(b0n, c8_0);
      c8_1 = x8n.fma(b1n, c8_1);
      var x9n = FloatVector.broadcast(S, strip[so2 + 9 * PB]);
      c9_0 = x9n.fma(b0n, c9_0);
      c9_1 = x9n.fma(b1n, c9_1);
      var x10n = FloatVector.broadcast(S, strip[so2 + 10 * PB]);
      c10_0 = x10n.fma(b0n, c10_0);
      c10_1 = x10n.fma(b1n, c10_1);
      var x11n = FloatVector.broadcast(S, strip[so2 + 11 * PB]);
      c11_0 = x11n.fma(b0n, c11_0);
      c11_1 = x11n.fma(b1n, c11_1);
    }
    for (; p < depth; p++) {
      int bo = base + p * (2 * vl);
      var b0 = FloatVector.fromArray(S, b, bo);
      var b1 = FloatVector.fromArray(S, b, bo + vl);
      int so = s0 + p + p / PB * (PB * 11);
      var x0 = FloatVector.broadcast(S, strip[so]);
      c0_0 = x0.fma(b0, c0_0);
      c0_1 = x0.fma(b1, c0_1);
      var x1 = FloatVector.broadcast(S, strip[so + 1 * PB]);
      c1_0 = x1.fma(b0, c1_0);
      c1_1 = x1.fma(b1, c1_1);
      var x2 = FloatVector.broadcast(S, strip[so + 2 * PB]);
      c2_0 = x2.fma(b0, c2_0);
      c2_1 = x2.fma(b1, c2_1);
      var x3 = FloatVector.broadcast(S, strip[so + 3 * PB]);
      c3_0 = x3.fma(b0, c3_0);
      c3_1 = x3.fma(b1, c3_1);
      var x4 = FloatVector.broadcast(S, strip[so + 4 * PB]);
      c4_0 = x4.fma(b0, c4_0);
      c4_1 = x4.fma(b1, c4_1);
      var x5 = FloatVector.broadcast(S, strip[so + 5 * PB]);
      c5_0 = x5.fma(b0, c5_0);
      c5_1 = x5.fma(b1, c5_1);
      var x6 = FloatVector.broadcast(S, strip[so + 6 * PB]);
      c6_0 = x6.fma(b0, c6_0);
      c6_1 = x6.fma(b1, c6_1);
      var x7 = FloatVector.broadcast(S, strip[so + 7 * PB]);
      c7_0 = x7.fma(b0, c7_0);
      c7_1 = x7.fma(b1, c7_1);
      var x8 = FloatVector.broadcast(S, strip[so + 8 * PB]);
      c8_0 = x8.fma(b0, c8_0);
      c8_1 = x8.fma(b1, c8_1);
      var x9 = FloatVector.broadcast(S, strip[so + 9 * PB]);
      c9_0 = x9.fma(b0, c9_0);
      c9_1 = x9.fma(b1, c9_1);
      var x10 = FloatVector.broadcast(S, strip[so + 10 * PB]);
      c10_0 = x10.fma(b0, c10_0);
      c10_1 = x10.fma(b1, c10_1);
      var x11 = FloatVector.broadcast(S, strip[so + 11 * PB]);
      c11_0 = x11.fma(b0, c11_0);
      c11_1 = x11.fma(b1, c11_1);
    }
    c0_0.intoArray(c, co);
    c0_1.intoArray(c, co + vl);
    c1_0.intoArray(c, co + cs);
    c1_1.intoArray(c, co + cs + vl);
    c2_0.intoArray(c, co + 2 * cs);
    c2_1.intoArray(c, co + 2 * cs + vl);
    c3_0.intoArray(c, co + 3 * cs);
    c3_1.intoArray(c, co + 3 * cs + vl);
    c4_0.intoArray(c, co + 4 * cs);
    c4_1.intoArray(c, co + 4 * cs + vl);
    c5_0.intoArray(c, co + 5 * cs);
    c5_1.intoArray(c, co + 5 * cs + vl);
    c6_0.intoArray(c, co + 6 * cs);
    c6_1.intoArray(c, co + 6 * cs + vl);
    c7_0.intoArray(c, co + 7 * cs);
    c7_1.intoArray(c, co + 7 * cs + vl);
    c8_0.intoArray(c, co + 8 * cs);
    c8_1.intoArray(c, co + 8 * cs + vl);
    c9_0.intoArray(c, co + 9 * cs);
    c9_1.intoArray(c, co + 9 * cs + vl);
    c10_0.intoArray(c, co + 10 * cs);
    c10_1.intoArray(c, co + 10 * cs + vl);
    c11_0.intoArray(c, co + 11 * cs);
    c11_1.intoArray(c, co + 11 * cs + vl);
  }

  /** As {@link #k12x2} with A read in place: row r's element p at {@code a[s0 + r * ar + p * as]}. */
  private static void g12x2(float[] a, int s0, int as, int ar, float[] b, int base, int bw, float[] c, int co,
      int cs, float[] c0, int c0o, int c0s, int depth) {
    int vl = S.length();
    FloatVector c0_0 = FloatVector.fromArray(S, c0, c0o);
    FloatVector c0_1 = FloatVector.fromArray(S, c0, c0o + vl);
    FloatVector c1_0 = FloatVector.fromArray(S, c0, c0o + c0s);
    FloatVector c1_1 = FloatVector.fromArray(S, c0, c0o + c0s + vl);
    FloatVector c2_0 = FloatVector.fromArray(S, c0, c0o + 2 * c0s);
    FloatVector c2_1 = FloatVector.fromArray(S, c0, c0o + 2 * c0s + vl);
    FloatVector c3_0 = FloatVector.fromArray(S, c0, c0o + 3 * c0s);
    FloatVector c3_1 = FloatVector.fromArray(S, c0, c0o + 3 * c0s + vl);
    FloatVector c4_0 = FloatVector.fromArray(S, c0, c0o + 4 * c0s);
    FloatVector c4_1 = FloatVector.fromArray(S, c0, c0o + 4 * c0s + vl);
    FloatVector c5_0 = FloatVector.fromArray(S, c0, c0o + 5 * c0s);
    FloatVector c5_1 = FloatVector.fromArray(S, c0, c0o + 5 * c0s + vl);
    FloatVector c6_0 = FloatVector.fromArray(S, c0, c0o + 6 * c0s);
    FloatVector c6_1 = FloatVector.fromArray(S, c0, c0o + 6 * c0s + vl);
    FloatVector c7_0 = FloatVector.fromArray(S, c0, c0o + 7 * c0s);
    FloatVector c7_1 = FloatVector.fromArray(S, c0, c0o + 7 * c0s + vl);
    FloatVector c8_0 = FloatVector.fromArray(S, c0, c0o + 8 * c0s);
    FloatVector c8_1 = FloatVector.fromArray(S, c0, c0o + 8 * c0s + vl);
    FloatVector c9_0 = FloatVector.fromArray(S, c0, c0o + 9 * c0s);
    FloatVector c9_1 = FloatVector.fromArray(S, c0, c0o + 9 * c0s + vl);
    FloatVector c10_0 = FloatVector.fromArray(S, c0, c0o + 10 * c0s);
    FloatVector c10_1 = FloatVector.fromArray(S, c0, c0o + 10 * c0s + vl);
    FloatVector c11_0 = FloatVector.fromArray(S, c0, c0o + 11 * c0s);
    FloatVector c11_1 = FloatVector.fromArray(S, c0, c0o + 11 * c0s + vl);
    int o1 = ar;
    int o2 = 2 * ar;
    int o3 = 3 * ar;
    int o4 = 4 * ar;
    int o5 = 5 * ar;
    int o6 = 6 * ar;
    int o7 = 7 * ar;
    int o8 = 8 * ar;
    int o9 = 9 * ar;
    int o10 = 10 * ar;
    int o11 = 11 * ar;
    for (int p = 0; p < depth; p++) {
      int bo = base + p * bw;
      var b0 = FloatVector.fromArray(S, b, bo);
      var b1 = FloatVector.fromArray(S, b, bo + vl);
      int so = s0 + p * as;
      var x0 = FloatVector.broadcast(S, a[so]);
      c0_0 = x0.fma(b0, c0_0);
      c0_1 = x0.fma(b1, c0_1);
      var x1 = FloatVector.broadcast(S, a[so + o1]);
      c1_0 = x1.fma(b0, c1_0);
      c1_1 = x1.fma(b1, c1_1);
      var x2 = FloatVector.broadcast(S, a[so + o2]);
      c2_0 = x2.fma(b0, c2_0);
      c2_1 = x2.fma(b1, c2_1);
      var x3 = FloatVector.broadcast(S, a[so + o3]);
      c3_0 = x3.fma(b0, c3_0);
      c3_1 = x3.fma(b1, c3_1);
      var x4 = FloatVector.broadcast(S, a[so + o4]);
      c4_0 = x4.fma(b0, c4_0);
      c4_1 = x4.fma(b1, c4_1);
      var x5 = FloatVector.broadcast(S, a[so + o5]);
      c5_0 = x5.fma(b0, c5_0);
      c5_1 = x5.fma(b1, c5_1);
      var x6 = FloatVector.broadcast(S, a[so + o6]);
      c6_0 = x6.fma(b0, c6_0);
      c6_1 = x6.fma(b1, c6_1);
      var x7 = FloatVector.broadcast(S, a[so + o7]);
      c7_0 = x7.fma(b0, c7_0);
      c7_1 = x7.fma(b1, c7_1);
      var x8 = FloatVector.broadcast(S, a[so + o8]);
      c8_0 = x8.fma(b0, c8_0);
      c8_1 = x8.fma(b1, c8_1);
      var x9 = FloatVector.broadcast(S, a[so + o9]);
      c9_0 = x9.fma(b0, c9_0);
      c9_1 = x9.fma(b1, c9_1);
      var x10 = FloatVector.broadcast(S, a[so + o10]);
      c10_0 = x10.fma(b0, c10_0);
      c10_1 = x10.fma(b1, c10_1);
      var x11 = FloatVector.broadcast(S, a[so + o11]);
      c11_0 = x11.fma(b0, c11_0);
      c11_1 = x11.fma(b1, c11_1);
    }
    c0_0.intoArray(c, co);
    c0_1.intoArray(c, co + vl);
    c1_0.intoArray(c, co + cs);
    c1_1.intoArray(c, co + cs + vl);
    c2_0.intoArray(c, co + 2 * cs);
    c2_1.intoArray(c, co + 2 * cs + vl);
    c3_0.intoArray(c, co + 3 * cs);
    c3_1.intoArray(c, co + 3 * cs + vl);
    c4_0.intoArray(c, co + 4 * cs);
    c4_1.intoArray(c, co + 4 * cs + vl);
    c5_0.intoArray(c, co + 5 * cs);
    c5_1.intoArray(c, co + 5 * cs + vl);
    c6_0.intoArray(c, co + 6 * cs);
    c6_1.intoArray(c, co + 6 * cs + vl);
    c7_0.intoArray(c, co + 7 * cs);
    c7_1.intoArray(c, co + 7 * cs + vl);
    c8_0.intoArray(c, co + 8 * cs);
    c8_1.intoArray(c, co + 8 * cs + vl);
    c9_0.intoArray(c, co + 9 * cs);
    c9_1.intoArray(c, co + 9 * cs + vl);
    c10_0.intoArray(c, co + 10 * cs);
    c10_1.intoArray(c, co + 10 * cs + vl);
    c11_0.intoArray(c, co + 11 * cs);
    c11_1.intoArray(c, co + 11 * cs + vl);
  }

  /**
   * {@code C[16 x 1 vectors] = C0 + strip (depth x 16, p-major) * panel (depth x 1 vectors)}; C at co, row
   * stride cs; C0 at c0o in c0, row stride c0s.
   */
  private static void k16x1(float[] strip, int s0, float[] b, int base, int bw, float[] c, int co, int cs,
      float[] c0, int c0o, int c0s, int depth) {
    FloatVector c0_0 = FloatVector.fromArray(S, c0, c0o);
    FloatVector c1_0 = FloatVector.fromArray(S, c0, c0o + c0s);
    FloatVector c2_0 = FloatVector.fromArray(S, c0, c0o + 2 * c0s);
    FloatVector c3_0 = FloatVector.fromArray(S, c0, c0o + 3 * c0s);
    FloatVector c4_0 = FloatVector.fromArray(S, c0, c0o + 4 * c0s);
    FloatVector c5_0 = FloatVector.fromArray(S, c0, c0o + 5 * c0s);
    FloatVector c6_0 = FloatVector.fromArray(S, c0, c0o + 6 * c0s);
    FloatVector c7_0 = FloatVector.fromArray(S, c0, c0o + 7 * c0s);
    FloatVector c8_0 = FloatVector.fromArray(S, c0, c0o + 8 * c0s);
    FloatVector c9_0 = FloatVector.fromArray(S, c0, c0o + 9 * c0s);
    FloatVector c10_0 = FloatVector.fromArray(S, c0, c0o + 10 * c0s);
    FloatVector c11_0 = FloatVector.fromArray(S, c0, c0o + 11 * c0s);
    FloatVector c12_0 = FloatVector.fromArray(S, c0, c0o + 12 * c0s);
    FloatVector c13_0 = FloatVector.fromArray(S, c0, c0o + 13 * c0s);
    FloatVector c14_0 = FloatVector.fromArray(S, c0, c0o + 14 * c0s);
    FloatVector c15_0 = FloatVector.fromArray(S, c0, c0o + 15 * c0s);
    for (int p = 0; p < depth; p++) {
      int bo = base + p * bw;
      var b0 = FloatVector.fromArray(S, b, bo);
      int so = s0 + p * 16;
      var x0 = FloatVector.broadcast(S, strip[so]);
      c0_0 = x0.fma(b0, c0_0);
      var x1 = FloatVector.broadcast(S, strip[so + 1]);
      c1_0 = x1.fma(b0, c1_0);
      var x2 = FloatVector.broadcast(S, strip[so + 2]);
      c2_0 = x2.fma(b0, c2_0);
      var x3 = FloatVector.broadcast(S, strip[so + 3]);
      c3_0 = x3.fma(b0, c3_0);
      var x4 = FloatVector.broadcast(S, strip[so + 4]);
      c4_0 = x4.fma(b0, c4_0);
      var x5 = FloatVector.broadcast(S, strip[so + 5]);
      c5_0 = x5.fma(b0, c5_0);
      var x6 = FloatVector.broadcast(S, strip[so + 6]);
      c6_0 = x6.fma(b0, c6_0);
      var x7 = FloatVector.broadcast(S, strip[so + 7]);
      c7_0 = x7.fma(b0, c7_0);
      var x8 = FloatVector.broadcast(S, strip[so + 8]);
      c8_0 = x8.fma(b0, c8_0);
      var x9 = FloatVector.broadcast(S, strip[so + 9]);
      c9_0 = x9.fma(b0, c9_0);
      var x10 = FloatVector.broadcast(S, strip[so + 10]);
      c10_0 = x10.fma(b0, c10_0);
      var x11 = FloatVector.broadcast(S, strip[so + 11]);
      c11_0 = x11.fma(b0, c11_0);
      var x12 = FloatVector.broadcast(S, strip[so + 12]);
      c12_0 = x12.fma(b0, c12_0);
      var x13 = FloatVector.broadcast(S, strip[so + 13]);
      c13_0 = x13.fma(b0, c13_0);
      var x14 = FloatVector.broadcast(S, strip[so + 14]);
      c14_0 = x14.fma(b0, c14_0);
      var x15 = FloatVector.broadcast(S, strip[so + 15]);
      c15_0 = x15.fma(b0, c15_0);
    }
    c0_0.intoArray(c, co);
    c1_0.intoArray(c, co + cs);
    c2_0.intoArray(c, co + 2 * cs);
    c3_0.intoArray(c, co + 3 * cs);
    c4_0.intoArray(c, co + 4 * cs);
    c5_0.intoArray(c, co + 5 * cs);
    c6_0.intoArray(c, co + 6 * cs);
    c7_0.intoArray(c, co + 7 * cs);
    c8_0.intoArray(c, co + 8 * cs);
    c9_0.intoArray(c, co + 9 * cs);
    c10_0.intoArray(c, co + 10 * cs);
    c11_0.intoArray(c, co + 11 * cs);
    c12_0.intoArray(c, co + 12 * cs);
    c13_0.intoArray(c, co + 13 * cs);
    c14_0.intoArray(c, co + 14 * cs);
    c15_0.intoArray(c, co + 15 * cs);
  }

  /** As {@link #k16x1} with A read in place: row r's element p at {@code a[s0 + r * ar + p * as]}. */
  private static void g16x1(float[] a, int s0, int as, int ar, float[] b, int base, int bw, float[] c, int co,
      int cs, float[] c0, int c0o, int c0s, int depth) {
    FloatVector c0_0 = FloatVector.fromArray(S, c0, c0o);
    FloatVector c1_0 = FloatVector.fromArray(S, c0, c0o + c0s);
    FloatVector c2_0 = FloatVector.fromArray(S, c0, c0o + 2 * c0s);
    FloatVector c3_0 = FloatVector.fromArray(S, c0, c0o + 3 * c0s);
    FloatVector c4_0 = FloatVector.fromArray(S, c0, c0o + 4 * c0s);
    FloatVector c5_0 = FloatVector.fromArray(S, c0, c0o + 5 * c0s);
    FloatVector c6_0 = FloatVector.fromArray(S, c0, c0o + 6 * c0s);
    FloatVector c7_0 = FloatVector.fromArray(S, c0, c0o + 7 * c0s);
    FloatVector c8_0 = FloatVector.fromArray(S, c0, c0o + 8 * c0s);
    FloatVector c9_0 = FloatVector.fromArray(S, c0, c0o + 9 * c0s);
    FloatVector c10_0 = FloatVector.fromArray(S, c0, c0o + 10 * c0s);
    FloatVector c11_0 = FloatVector.fromArray(S, c0, c0o + 11 * c0s);
    FloatVector c12_0 = FloatVector.fromArray(S, c0, c0o + 12 * c0s);
    FloatVector c13_0 = FloatVector.fromArray(S, c0, c0o + 13 * c0s);
    FloatVector c14_0 = FloatVector.fromArray(S, c0, c0o + 14 * c0s);
    FloatVector c15_0 = FloatVector.fromArray(S, c0, c0o + 15 * c0s);
    int o1 = ar;
    int o2 = 2 * ar;
    int o3 = 3 * ar;
    int o4 = 4 * ar;
    int o5 = 5 * ar;
    int o6 = 6 * ar;
    int o7 = 7 * ar;
    int o8 = 8 * ar;
    int o9 = 9 * ar;
    int o10 = 10 * ar;
    int o11 = 11 * ar;
    int o12 = 12 * ar;
    int o13 = 13 * ar;
    int o14 = 14 * ar;
    int o15 = 15 * ar;
    for (int p = 0; p < depth; p++) {
      int bo = base + p * bw;
      var b0 = FloatVector.fromArray(S, b, bo);
      int so = s0 + p * as;
      var x0 = FloatVector.broadcast(S, a[so]);
      c0_0 = x0.fma(b0, c0_0);
      var x1 = FloatVector.broadcast(S, a[so + o1]);
      c1_0 = x1.fma(b0, c1_0);
      var x2 = FloatVector.broadcast(S, a[so + o2]);
      c2_0 = x2.fma(b0, c2_0);
      var x3 = FloatVector.broadcast(S, a[so + o3]);
      c3_0 = x3.fma(b0, c3_0);
      var x4 = FloatVector.broadcast(S, a[so + o4]);
      c4_0 = x4.fma(b0, c4_0);
      var x5 = FloatVector.broadcast(S, a[so + o5]);
      c5_0 = x5.fma(b0, c5_0);
      var x6 = FloatVector.broadcast(S, a[so + o6]);
      c6_0 = x6.fma(b0, c6_0);
      var x7 = FloatVector.broadcast(S, a[so + o7]);
      c7_0 = x7.fma(b0, c7_0);
      var x8 = FloatVector.broadcast(S, a[so + o8]);
      c8_0 = x8.fma(b0, c8_0);
      var x9 = FloatVector.broadcast(S, a[so + o9]);
      c9_0 = x9.fma(b0, c9_0);
      var x10 = FloatVector.broadcast(S, a[so + o10]);
      c10_0 = x10.fma(b0, c10_0);
      var x11 = FloatVector.broadcast(S, a[so + o11]);
      c11_0 = x11.fma(b0, c11_0);
      var x12 = FloatVector.broadcast(S, a[so + o12]);
      c12_0 = x12.fma(b0, c12_0);
      var x13 = FloatVector.broadcast(S, a[so + o13]);
      c13_0 = x13.fma(b0, c13_0);
      var x14 = FloatVector.broadcast(S, a[so + o14]);
      c14_0 = x14.fma(b0, c14_0);
      var x15 = FloatVector.broadcast(S, a[so + o15]);
      c15_0 = x15.fma(b0, c15_0);
    }
    c0_0.intoArray(c, co);
    c1_0.intoArray(c, co + cs);
    c2_0.intoArray(c, co + 2 * cs);
    c3_0.intoArray(c, co + 3 * cs);
    c4_0.intoArray(c, co + 4 * cs);
    c5_0.intoArray(c, co + 5 * cs);
    c6_0.intoArray(c, co + 6 * cs);
    c7_0.intoArray(c, co + 7 * cs);
    c8_0.intoArray(c, co + 8 * cs);
    c9_0.intoArray(c, co + 9 * cs);
    c10_0.intoArray(c, co + 10 * cs);
    c11_0.intoArray(c, co + 11 * cs);
    c12_0.intoArray(c, co + 12 * cs);
    c13_0.intoArray(c, co + 13 * cs);
    c14_0.intoArray(c, co + 14 * cs);
    c15_0.intoArray(c, co + 15 * cs);
  }

  /**
   * {@code C[6 x 2 vectors] = C0 + strip (depth x 6, p-major) * panel (depth x 2 vectors)}; C at co, row
   * stride cs; C0 at c0o in c0, row stride c0s.
   */
  private static void k6x2(float[] strip, int s0, float[] b, int base, int bw, float[] c, int co, int cs,
      float[] c0, int c0o, int c0s, int depth) {
    int vl = S.length();
    FloatVector c00 = FloatVector.fromArray(S, c0, c0o);
    FloatVector c01 = FloatVector.fromArray(S, c0, c0o + vl);
    FloatVector c10 = FloatVector.fromArray(S, c0, c0o + c0s);
    FloatVector c11 = FloatVector.fromArray(S, c0, c0o + c0s + vl);
    FloatVector c20 = FloatVector.fromArray(S, c0, c0o + 2 * c0s);
    FloatVector c21 = FloatVector.fromArray(S, c0, c0o + 2 * c0s + vl);
    FloatVector c30 = FloatVector.fromArray(S, c0, c0o + 3 * c0s);
    FloatVector c31 = FloatVector.fromArray(S, c0, c0o + 3 * c0s + vl);
    FloatVector c40 = FloatVector.fromArray(S, c0, c0o + 4 * c0s);
    FloatVector c41 = FloatVector.fromArray(S, c0, c0o + 4 * c0s + vl);
    FloatVector c50 = FloatVector.fromArray(S, c0, c0o + 5 * c0s);
    FloatVector c51 = FloatVector.fromArray(S, c0, c0o + 5 * c0s + vl);
    for (int p = 0; p < depth; p++) {
      int bo = base + p * bw;
      var b0 = FloatVector.fromArray(S, b, bo);
      var b1 = FloatVector.fromArray(S, b, bo + vl);
      int so = s0 + p * 6;
      var x0 = FloatVector.broadcast(S, strip[so]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      var x1 = FloatVector.broadcast(S, strip[so + 1]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      var x2 = FloatVector.broadcast(S, strip[so + 2]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      var x3 = FloatVector.broadcast(S, strip[so + 3]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
      var x4 = FloatVector.broadcast(S, strip[so + 4]);
      c40 = x4.fma(b0, c40);
      c41 = x4.fma(b1, c41);
      var x5 = FloatVector.broadcast(S, strip[so + 5]);
      c50 = x5.fma(b0, c50);
      c51 = x5.fma(b1, c51);
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + vl);
    c10.intoArray(c, co + cs);
    c11.intoArray(c, co + cs + vl);
    c20.intoArray(c, co + 2 * cs);
    c21.intoArray(c, co + 2 * cs + vl);
    c30.intoArray(c, co + 3 * cs);
    c31.intoArray(c, co + 3 * cs + vl);
    c40.intoArray(c, co + 4 * cs);
    c41.intoArray(c, co + 4 * cs + vl);
    c50.intoArray(c, co + 5 * cs);
    c51.intoArray(c, co + 5 * cs + vl);
  }

  /** As {@link #k6x2} with A read in place: row r's element p at {@code a[s0 + r * ar + p * as]}. */
  private static void g6x2(float[] a, int s0, int as, int ar, float[] b, int base, int bw, float[] c, int co,
      int cs, float[] c0, int c0o, int c0s, int depth) {
    int vl = S.length();
    FloatVector c00 = FloatVector.fromArray(S, c0, c0o);
    FloatVector c01 = FloatVector.fromArray(S, c0, c0o + vl);
    FloatVector c10 = FloatVector.fromArray(S, c0, c0o + c0s);
    FloatVector c11 = FloatVector.fromArray(S, c0, c0o + c0s + vl);
    FloatVector c20 = FloatVector.fromArray(S, c0, c0o + 2 * c0s);
    FloatVector c21 = FloatVector.fromArray(S, c0, c0o + 2 * c0s + vl);
    FloatVector c30 = FloatVector.fromArray(S, c0, c0o + 3 * c0s);
    FloatVector c31 = FloatVector.fromArray(S, c0, c0o + 3 * c0s + vl);
    FloatVector c40 = FloatVector.fromArray(S, c0, c0o + 4 * c0s);
    FloatVector c41 = FloatVector.fromArray(S, c0, c0o + 4 * c0s + vl);
    FloatVector c50 = FloatVector.fromArray(S, c0, c0o + 5 * c0s);
    FloatVector c51 = FloatVector.fromArray(S, c0, c0o + 5 * c0s + vl);
    int o1 = ar;
    int o2 = 2 * ar;
    int o3 = 3 * ar;
    int o4 = 4 * ar;
    int o5 = 5 * ar;
    for (int p = 0; p < depth; p++) {
      int bo = base + p * bw;
      var b0 = FloatVector.fromArray(S, b, bo);
      var b1 = FloatVector.fromArray(S, b, bo + vl);
      int so = s0 + p * as;
      var x0 = FloatVector.broadcast(S, a[so]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      var x1 = FloatVector.broadcast(S, a[so + o1]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      var x2 = FloatVector.broadcast(S, a[so + o2]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      var x3 = FloatVector.broadcast(S, a[so + o3]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
      var x4 = FloatVector.broadcast(S, a[so + o4]);
      c40 = x4.fma(b0, c40);
      c41 = x4.fma(b1, c41);
      var x5 = FloatVector.broadcast(S, a[so + o5]);
      c50 = x5.fma(b0, c50);
      c51 = x5.fma(b1, c51);
    }
    c00.intoArray(c, co);
    c01.intoArray(c, co + vl);
    c10.intoArray(c, co + cs);
    c11.intoArray(c, co + cs + vl);
    c20.intoArray(c, co + 2 * cs);
    c21.intoArray(c, co + 2 * cs + vl);
    c30.intoArray(c, co + 3 * cs);
    c31.intoArray(c, co + 3 * cs + vl);
    c40.intoArray(c, co + 4 * cs);
    c41.intoArray(c, co + 4 * cs + vl);
    c50.intoArray(c, co + 5 * cs);
    c51.intoArray(c, co + 5 * cs + vl);
  }

  /**
   * Watches the rate of large products on the p-block kernel ({@code b12x2}). HotSpot's C2 has
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
