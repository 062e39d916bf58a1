package org.millrace.trainer.dist;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sums float arrays across the processes of a training job over TCP, with the ring algorithm
 * (reduce-scatter, then all-gather: each rank sends and receives 2 (n-1)/n of the data, whatever
 * the number of ranks). Rank r connects to rank r+1 and accepts rank r-1. Every rank ends with
 * the same sums, and the same inputs always give the same sums (the order of additions depends
 * only on the ring). Each message carries (step, chunk, length), so ranks that fall out of step
 * fail naming both, instead of adding the wrong numbers.
 *
 * <p>Joining takes the job's secret token, which never crosses the wire: ranks authenticate each
 * other by challenge-response. The accepting rank sends {@code MAGIC, nonceA} (16 random bytes);
 * the joining rank answers {@code MAGIC, from, nonceJ, HMAC-SHA256(token, MAGIC|1|from|to|nonceA|nonceJ)};
 * the accepting rank checks it and proves itself with
 * {@code HMAC-SHA256(token, MAGIC|2|to|from|nonceJ|nonceA)}, which the joining rank checks. A
 * connection that does not answer its fresh challenge (a port scan, a stranger, a replayed answer)
 * is dropped and the rank keeps waiting for its neighbour; a peer at the neighbour's address that
 * cannot prove it holds the token is not joined. Every read has a timeout, so a rank that stops
 * answering (a lost host, a hung process) fails its neighbours instead of blocking them forever.
 *
 * <p>Bind the listening socket ({@link #listen}) to the address the rank's executor is given, not
 * to every interface.
 */
public final class RingAllReduce implements AutoCloseable {
  private static final int HEADER = 16;
  /** Opens every handshake message: "MRG1". */
  static final int MAGIC = 0x4D524731;
  static final int NONCE = 16;
  static final int MAC = 32;
  static final int JOIN = 1;
  static final int ACCEPT = 2;
  private static final SecureRandom RANDOM = new SecureRandom();

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

  /**
   * A listening socket for this rank on an ephemeral port of {@code host}; its address goes to the
   * other ranks. Pass the address this rank's executor is reached at, not a wildcard address.
   */
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
    byte[] key = token.getBytes(StandardCharsets.UTF_8);
    SocketChannel right = null;
    SocketChannel left = null;
    ExecutorService acceptor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "millrace-ring-accept-" + rank);
      t.setDaemon(true);
      return t;
    });
    Future<SocketChannel> accepted = null;
    try {
      Instant deadline = Instant.now().plus(timeout);
      int expected = (rank - 1 + n) % n;
      // Accept the left neighbour while joining the right one: each side of a handshake waits
      // for the other's answer, so a rank that did one after the other would wait for itself.
      accepted = acceptor.submit(() -> acceptLeft(rank, expected, listening, key, deadline, timeout));
      right = connectRight(rank, n, addresses.get((rank + 1) % n), key, deadline, timeout);
      long wait = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
      try {
        left = accepted.get(wait + 1_000, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new IOException("ring rank " + rank + " expected rank " + expected + " to connect within " + timeout
            + ", got no connection that answered the job's challenge", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("ring rank " + rank + " interrupted while joining", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      }
      left.setOption(StandardSocketOptions.TCP_NODELAY, true);
      int io = (int) Math.min(Integer.MAX_VALUE, Math.max(1, ioTimeout.toMillis()));
      left.socket().setSoTimeout(io);
      return new RingAllReduce(rank, n, right, left);
    } catch (IOException | RuntimeException e) {
      closeQuietly(right);
      closeQuietly(left);
      if (left == null && accepted != null && !accepted.cancel(true)) {
        // The left neighbour joined while the right one failed: close it too.
        try {
          closeQuietly(accepted.get(0, TimeUnit.MILLISECONDS));
        } catch (ExecutionException | InterruptedException | TimeoutException | RuntimeException ignored) {
          // nothing was accepted
        }
      }
      throw e;
    } finally {
      acceptor.shutdownNow();
      listening.close();
    }
  }

  /**
   * Connects to the right neighbour and runs the joining side of the handshake: reads its
   * challenge, answers with this rank and a MAC over both nonces, and checks the neighbour's MAC
   * over them in turn (so a stranger answering at the neighbour's address is not joined either).
   * A refused connection or a failed handshake is retried until {@code deadline}.
   */
  private static SocketChannel connectRight(int rank, int n, InetSocketAddress next, byte[] key, Instant deadline,
      Duration timeout) throws IOException {
    int to = (rank + 1) % n;
    IOException last = null;
    while (Instant.now().isBefore(deadline)) {
      SocketChannel c = null;
      try {
        c = SocketChannel.open(next);
        c.setOption(StandardSocketOptions.TCP_NODELAY, true);
        long wait = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
        c.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, wait));
        DataInputStream in = new DataInputStream(c.socket().getInputStream());
        int magic = in.readInt();
        if (magic != MAGIC) {
          throw new IOException("the peer at " + next + " did not speak the ring protocol (got 0x"
              + Integer.toHexString(magic) + ")");
        }
        byte[] challenge = new byte[NONCE];
        in.readFully(challenge);
        byte[] nonce = nonce();
        byte[] answer = mac(key, JOIN, rank, to, challenge, nonce);
        write(c, ByteBuffer.allocate(4 + 4 + NONCE + MAC).putInt(MAGIC).putInt(rank).put(nonce).put(answer).flip());
        byte[] proof = new byte[MAC];
        in.readFully(proof);
        if (!MessageDigest.isEqual(proof, mac(key, ACCEPT, to, rank, nonce, challenge))) {
          throw new IOException("the peer at " + next + " did not prove it holds the job's token");
        }
        c.socket().setSoTimeout(0);
        return c;
      } catch (IOException e) {
        closeQuietly(c);
        last = e;
        sleep(50, rank);
      }
    }
    throw new IOException("ring rank " + rank + " could not connect to rank " + to + " at " + next + " within "
        + timeout + ": " + last, last);
  }

  /** Accepts connections until one is rank {@code expected} answering this rank's challenge. */
  private static SocketChannel acceptLeft(int rank, int expected, ServerSocketChannel listening, byte[] key,
      Instant deadline, Duration timeout) throws IOException {
    listening.configureBlocking(true);
    while (true) {
      long wait = Duration.between(Instant.now(), deadline).toMillis();
      if (wait <= 0) {
        throw new IOException("ring rank " + rank + " expected rank " + expected + " to connect within " + timeout
            + ", got no connection that answered the job's challenge");
      }
      listening.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, wait));
      SocketChannel candidate;
      try {
        candidate = listening.socket().accept().getChannel();
      } catch (java.net.SocketTimeoutException e) {
        continue;
      }
      if (answers(candidate, rank, expected, key, wait)) {
        candidate.socket().setSoTimeout(0);
        return candidate;
      }
      candidate.close();
    }
  }

  /**
   * Whether a new connection is rank {@code expected} answering a fresh challenge with a MAC
   * under the job's token (read within {@code wait} ms, at most 2 s); if it is, this rank proves
   * in turn that it holds the token.
   */
  private static boolean answers(SocketChannel c, int rank, int expected, byte[] key, long wait) {
    try {
      c.socket().setSoTimeout((int) Math.max(1, Math.min(wait, 2_000)));
      byte[] challenge = nonce();
      write(c, ByteBuffer.allocate(4 + NONCE).putInt(MAGIC).put(challenge).flip());
      DataInputStream in = new DataInputStream(c.socket().getInputStream());
      if (in.readInt() != MAGIC) {
        return false;
      }
      int from = in.readInt();
      byte[] nonce = new byte[NONCE];
      in.readFully(nonce);
      byte[] answer = new byte[MAC];
      in.readFully(answer);
      if (from != expected || !MessageDigest.isEqual(answer, mac(key, JOIN, from, rank, challenge, nonce))) {
        return false;
      }
      write(c, ByteBuffer.wrap(mac(key, ACCEPT, rank, from, nonce, challenge)));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A fresh random nonce. */
  private static byte[] nonce() {
    byte[] b = new byte[NONCE];
    RANDOM.nextBytes(b);
    return b;
  }

  /** HMAC-SHA256 under {@code key} of (role, from, to, first nonce, second nonce). */
  private static byte[] mac(byte[] key, int role, int from, int to, byte[] first, byte[] second) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      m.update(ByteBuffer.allocate(16).putInt(MAGIC).putInt(role).putInt(from).putInt(to).array());
      m.update(first);
      m.update(second);
      return m.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
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
