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
 */
public final class RingAllReduce implements AutoCloseable {
  private static final int HEADER = 12;

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
   * rank's is its own {@code listening} socket's). Waits up to {@code timeout} for the neighbours.
   */
  public static RingAllReduce connect(int rank, List<InetSocketAddress> addresses, ServerSocketChannel listening,
      Duration timeout) throws IOException {
    int n = addresses.size();
    if (rank < 0 || rank >= n) {
      throw new IllegalArgumentException("ring rank expected 0.." + (n - 1) + ", got " + rank);
    }
    if (n == 1) {
      listening.close();
      return new RingAllReduce(0, 1, null, null);
    }
    Instant deadline = Instant.now().plus(timeout);
    InetSocketAddress next = addresses.get((rank + 1) % n);
    SocketChannel right = null;
    IOException last = null;
    while (right == null && Instant.now().isBefore(deadline)) {
      try {
        right = SocketChannel.open(next);
      } catch (IOException e) {
        last = e;
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while connecting to rank " + (rank + 1) % n, ie);
        }
      }
    }
    if (right == null) {
      throw new IOException("ring rank " + rank + " could not connect to rank " + (rank + 1) % n + " at " + next
          + " within " + timeout + ": " + last, last);
    }
    right.setOption(StandardSocketOptions.TCP_NODELAY, true);
    write(right, ByteBuffer.allocate(4).putInt(0, rank));
    listening.configureBlocking(true);
    listening.socket().setSoTimeout((int) Math.max(1, Duration.between(Instant.now(), deadline).toMillis()));
    SocketChannel left;
    try {
      left = listening.socket().accept().getChannel();
    } catch (java.net.SocketTimeoutException e) {
      right.close();
      throw new IOException("ring rank " + rank + " expected rank " + (rank - 1 + n) % n + " to connect within "
          + timeout + ", got no connection", e);
    }
    listening.close();
    left.setOption(StandardSocketOptions.TCP_NODELAY, true);
    ByteBuffer hello = ByteBuffer.allocate(4);
    read(left, hello);
    int from = hello.getInt(0);
    if (from != (rank - 1 + n) % n) {
      left.close();
      right.close();
      throw new IOException("ring rank " + rank + " expected rank " + (rank - 1 + n) % n + " on its left, got rank "
          + from + " (the ranks disagree on the ring's addresses)");
    }
    return new RingAllReduce(rank, n, right, left);
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
    out.putLong((int) id).putInt(send);
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
    if (gotStep != (int) id || gotChunk != recv) {
      throw new IOException("ring rank " + rank + " expected step " + id + " chunk " + recv + " from rank "
          + Math.floorMod(rank - 1, size) + ", got step " + gotStep + " chunk " + gotChunk);
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

  private static void read(SocketChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new IOException("ring peer closed the connection (another rank failed?)");
      }
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
