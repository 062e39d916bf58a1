package org.millrace.trainer.dist;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sums float arrays across the processes of a training job over TCP, with the ring algorithm
 * (reduce-scatter, then all-gather: each rank sends and receives 2 (n-1)/n of the data, whatever
 * the number of ranks). Rank r connects to rank r+1 and accepts rank r-1. Every rank ends with
 * the same sums, and the same inputs always give the same sums (the order of additions depends
 * only on the ring). Each message carries (step, chunk, length), so ranks that fall out of step
 * fail naming both, instead of adding the wrong numbers.
 *
 * <p>Joining takes the job's secret token: a connection that does not present it (a port scan, a
 * stranger) is dropped and the rank keeps waiting for its neighbour. Every read has a timeout, so
 * a rank that stops answering (a lost host, a hung process) fails its neighbours instead of
 * blocking them forever.
 */
public final class RingAllReduce implements AutoCloseable {
  private static final int HEADER = 16;

  private final int rank;
  private final int size;
  private final SocketChannel right;
  private final SocketChannel left;
  private final ExecutorService sender;
  private long step;

  private RingAllReduce(int rank, int size, SocketChannel right, SocketChannel left) {
    this.rank = rank;
    this.size = size;
    this.right = right;
    this.left = left;
    this.sender = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "millrace-ring-send-" + rank);
      t.setDaemon(true);
      return t;
    });
  }

  /** A listening socket for this rank on an ephemeral port of {@code host}; its address goes to the other ranks. */
  public static ServerSocketChannel listen(String host) throws IOException {
    return ServerSocketChannel.open().bind(new InetSocketAddress(host, 0));
  }

  /**
   * Joins the ring: {@code addresses} lists every rank's listening address, in rank order (this
   * rank's is its own {@code listening} socket's, which this closes). Waits up to
   * {@code timeout} for the neighbours; afterwards each read waits at most {@code ioTimeout}.
   * {@code token} is the job's secret, the same on every rank.
   */
  public static RingAllReduce connect(int rank, List<InetSocketAddress> addresses, ServerSocketChannel listening,
      Duration timeout, Duration ioTimeout, String token) throws IOException {
    int n = addresses.size();
    if (rank < 0 || rank >= n) {
      listening.close();
      throw new IllegalArgumentException("ring rank expected 0.." + (n - 1) + ", got " + rank);
    }
    if (n == 1) {
      listening.close();
      return new RingAllReduce(0, 1, null, null);
    }
    byte[] secret = token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    SocketChannel right = null;
    SocketChannel left = null;
    try {
      Instant deadline = Instant.now().plus(timeout);
      InetSocketAddress next = addresses.get((rank + 1) % n);
      IOException last = null;
      while (right == null && Instant.now().isBefore(deadline)) {
        try {
          right = SocketChannel.open(next);
        } catch (IOException e) {
          last = e;
          sleep(50, rank);
        }
      }
      if (right == null) {
        throw new IOException("ring rank " + rank + " could not connect to rank " + (rank + 1) % n + " at " + next
            + " within " + timeout + ": " + last, last);
      }
      right.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ByteBuffer hello = ByteBuffer.allocate(8 + secret.length).putInt(rank).putInt(secret.length).put(secret);
      write(right, hello.flip());
      int expected = (rank - 1 + n) % n;
      listening.configureBlocking(true);
      while (left == null) {
        long wait = Duration.between(Instant.now(), deadline).toMillis();
        if (wait <= 0) {
          throw new IOException("ring rank " + rank + " expected rank " + expected + " to connect within " + timeout
              + ", got no connection that presented the job's token");
        }
        listening.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, wait));
        SocketChannel candidate;
        try {
          candidate = listening.socket().accept().getChannel();
        } catch (java.net.SocketTimeoutException e) {
          continue;
        }
        if (greets(candidate, expected, secret, wait)) {
          left = candidate;
        } else {
          candidate.close();
        }
      }
      left.setOption(StandardSocketOptions.TCP_NODELAY, true);
      int io = (int) Math.min(Integer.MAX_VALUE, Math.max(1, ioTimeout.toMillis()));
      left.socket().setSoTimeout(io);
      return new RingAllReduce(rank, n, right, left);
    } catch (IOException | RuntimeException e) {
      closeQuietly(right);
      closeQuietly(left);
      throw e;
    } finally {
      listening.close();
    }
  }

  /** Whether a new connection is rank {@code expected} presenting the token (read within {@code wait} ms). */
  private static boolean greets(SocketChannel c, int expected, byte[] secret, long wait) {
    try {
      c.socket().setSoTimeout((int) Math.max(1, Math.min(wait, 2_000)));
      var in = new java.io.DataInputStream(c.socket().getInputStream());
      int from = in.readInt();
      int length = in.readInt();
      if (from != expected || length != secret.length) {
        return false;
      }
      byte[] got = new byte[length];
      in.readFully(got);
      return java.security.MessageDigest.isEqual(got, secret);
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long ms, int rank) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IOException("ring rank " + rank + " interrupted while joining", ie);
    }
  }

  private static void closeQuietly(SocketChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // already failing
      }
    }
  }

  public int rank() {
    return rank;
  }

  public int size() {
    return size;
  }

  /** Replaces {@code data} on every rank by the element-wise sum over all ranks. */
  public void sum(float[] data) throws IOException {
    if (size == 1 || data.length == 0) {
      return;
    }
    int n = size;
    int[] start = new int[n + 1];
    for (int c = 0; c < n; c++) {
      start[c + 1] = start[c] + data.length / n + (c < data.length % n ? 1 : 0);
    }
    ByteBuffer in = ByteBuffer.allocate(HEADER + 4 * (start[1] - start[0])).order(ByteOrder.LITTLE_ENDIAN);
    // Reduce-scatter: after n - 1 steps rank r holds the full sum of chunk r + 1.
    for (int s = 0; s < n - 1; s++) {
      int send = Math.floorMod(rank - s, n);
      int recv = Math.floorMod(rank - s - 1, n);
      exchange(data, start, send, recv, in, true);
    }
    // All-gather: pass the finished chunks around.
    for (int s = 0; s < n - 1; s++) {
      int send = Math.floorMod(rank - s + 1, n);
      int recv = Math.floorMod(rank - s, n);
      exchange(data, start, send, recv, in, false);
    }
  }

  private void exchange(float[] data, int[] start, int send, int recv, ByteBuffer in, boolean add) throws IOException {
    long id = step++;
    int sendLen = start[send + 1] - start[send];
    ByteBuffer out = ByteBuffer.allocate(HEADER + 4 * sendLen).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(id).putInt(send).putInt(sendLen);
    for (int i = start[send]; i < start[send + 1]; i++) {
      out.putFloat(data[i]);
    }
    out.flip();
    Future<?> sent = sender.submit(() -> {
      write(right, out);
      return null;
    });
    int recvLen = start[recv + 1] - start[recv];
    in.clear().limit(HEADER + 4 * recvLen);
    read(left, in);
    in.flip();
    long gotStep = in.getLong();
    int gotChunk = in.getInt();
    int gotLen = in.getInt();
    if (gotStep != id || gotChunk != recv || gotLen != recvLen) {
      throw new IOException("ring rank " + rank + " expected step " + id + " chunk " + recv + " of " + recvLen
          + " values from rank " + Math.floorMod(rank - 1, size) + ", got step " + gotStep + " chunk " + gotChunk
          + " of " + gotLen + " (do the ranks sum arrays of the same length?)");
    }
    for (int i = start[recv]; i < start[recv + 1]; i++) {
      float v = in.getFloat();
      data[i] = add ? data[i] + v : v;
    }
    try {
      sent.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while sending to rank " + (rank + 1) % size, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  private static void write(SocketChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** A fresh secret for a job's ranks to recognise each other by. */
  public static String newToken() {
    byte[] b = new byte[16];
    new java.security.SecureRandom().nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }

  /** Fills {@code b} from the left neighbour, each read waiting at most the socket's timeout. */
  private void read(SocketChannel ch, ByteBuffer b) throws IOException {
    var in = ch.socket().getInputStream();
    while (b.hasRemaining()) {
      int got;
      try {
        got = in.read(b.array(), b.arrayOffset() + b.position(), b.remaining());
      } catch (java.net.SocketTimeoutException e) {
        throw new IOException("ring rank " + rank + " expected data from rank " + Math.floorMod(rank - 1, size)
            + " within " + ch.socket().getSoTimeout() + " ms, got none (a rank stopped answering)", e);
      }
      if (got < 0) {
        throw new IOException("ring rank " + rank + ": rank " + Math.floorMod(rank - 1, size) + " closed the"
            + " connection (it failed or stopped)");
      }
      b.position(b.position() + got);
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
    try {
      if (right != null) {
        right.close();
      }
      if (left != null) {
        left.close();
      }
    } catch (IOException e) {
      // closing: nothing to do
    }
  }
}
