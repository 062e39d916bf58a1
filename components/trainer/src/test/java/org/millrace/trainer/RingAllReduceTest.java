package org.millrace.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.data.DenseData;
import org.millrace.trainer.dist.RingAllReduce;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.fit.Training;

/** The ring all-reduce over real TCP sockets, ranks as threads; and distributed training over it. */
class RingAllReduceTest {
  /** Runs {@code body} on n ranks joined in a ring on localhost and returns each rank's result. */
  static <T> List<T> ranks(int n, RankBody<T> body) throws Exception {
    List<ServerSocketChannel> listening = new ArrayList<>();
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      ServerSocketChannel s = RingAllReduce.listen("127.0.0.1");
      listening.add(s);
      addresses.add((InetSocketAddress) s.getLocalAddress());
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        final int rank = r;
        futures.add(pool.submit((Callable<T>) () -> {
          try (var ring = RingAllReduce.connect(rank, addresses, listening.get(rank), Duration.ofSeconds(20),
              Duration.ofSeconds(20), "secret")) {
            return body.run(ring);
          }
        }));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @FunctionalInterface
  interface RankBody<T> {
    T run(RingAllReduce ring) throws Exception;
  }

  @Test
  void everyRankGetsTheSameSums() throws Exception {
    for (int n : new int[] {1, 2, 3, 4}) {
      for (int length : new int[] {0, 1, 3, 10, 1001}) {
        IntFunction<float[]> data = r -> NetworkTest.random(length, 100 * r + length);
        List<float[]> sums = ranks(n, ring -> {
          float[] v = data.apply(ring.rank());
          ring.sum(v);
          ring.sum(new float[] {1f}); // a second call stays in step
          return v;
        });
        float[] expected = new float[length];
        for (int r = 0; r < n; r++) {
          float[] v = data.apply(r);
          for (int i = 0; i < length; i++) {
            expected[i] += v[i];
          }
        }
        for (int r = 0; r < n; r++) {
          assertArrayEquals(sums.get(0), sums.get(r), 0f, n + " ranks, length " + length + ": rank " + r);
          assertArrayEquals(expected, sums.get(r), 1e-5f, n + " ranks, length " + length);
        }
      }
    }
  }

  @Test
  void ranksTrainTheModelOneProcessTrainsWithTheSameGlobalBatch() throws Exception {
    DenseData data = NetworkTest.blobs(301, 1);
    DenseData eval = NetworkTest.blobs(90, 2);
    var reference = DataParallelTest.train(1, data, 3, Training.Options.of(3, 32, 3));
    List<List<float[]>> weights = ranks(3, ring -> {
      var net = new Network(new int[] {2}, DataParallelTest.mlp()).build(new JavaBackend(1), 32);
      net.initialize(7);
      var opt = new Optimizer(Optimizer.Kind.ADAM, 0.02, 0, false, 0, 0.9, 0.999, 1e-7, 1.0)
          .withSchedule(new org.millrace.trainer.nn.LrSchedule(org.millrace.trainer.nn.LrSchedule.Kind.COSINE, 5, 1000,
              0.5, 0.1, 30L));
      var r = Training.runDistributed(net, Loss.SOFTMAX_CROSS_ENTROPY, opt, data, eval, Training.Options.of(3, 32, 3),
          ring);
      assertEquals(reference.result().steps(), r.steps());
      DataParallelTest.assertShards(r.history(), 3, 301, 32);
      for (int e = 0; e < r.history().size(); e++) {
        assertEquals(reference.result().history().get(e).trainLoss(), r.history().get(e).trainLoss(), 1e-5);
      }
      var values = net.values();
      net.backend().close();
      return values;
    });
    for (int r = 0; r < 3; r++) {
      for (int i = 0; i < weights.get(0).size(); i++) {
        assertArrayEquals(weights.get(0).get(i), weights.get(r).get(i), 0f, "rank " + r + " tensor " + i);
        assertArrayEquals(reference.weights().get(i), weights.get(r).get(i), 2e-5f, "tensor " + i);
      }
    }
  }

  @Test
  void ringsThatDoNotMeetFailNamingTheRanks() throws Exception {
    ServerSocketChannel a = RingAllReduce.listen("127.0.0.1");
    ServerSocketChannel b = RingAllReduce.listen("127.0.0.1");
    var addresses = List.of((InetSocketAddress) a.getLocalAddress(), (InetSocketAddress) b.getLocalAddress());
    b.close();
    var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> RingAllReduce.connect(0, addresses, a, Duration.ofMillis(300), Duration.ofSeconds(1), "secret"));
    assertTrue(e.getMessage().startsWith("ring rank 0 could not connect to rank 1 at "), e.getMessage());
  }

  /** The handshake's constants, as documented on {@link RingAllReduce}. */
  private static final int MAGIC = 0x4D524731;

  /** HMAC-SHA256 of the handshake, computed here from the documented protocol. */
  private static byte[] mac(String token, int role, int from, int to, byte[] first, byte[] second)
      throws Exception {
    javax.crypto.Mac m = javax.crypto.Mac.getInstance("HmacSHA256");
    m.init(new javax.crypto.spec.SecretKeySpec(token.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
    m.update(java.nio.ByteBuffer.allocate(16).putInt(MAGIC).putInt(role).putInt(from).putInt(to).array());
    m.update(first);
    m.update(second);
    return m.doFinal();
  }

  /**
   * Plays rank 1 to a real rank 0 joining it (an impostor at the neighbour's address), records
   * what rank 0 sends, and checks rank 0 refuses to join an impostor that cannot prove the token.
   */
  private static byte[] recordAnAnswer(String token) throws Exception {
    ServerSocketChannel zero = RingAllReduce.listen("127.0.0.1");
    try (ServerSocketChannel impostor = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      var addresses = List.of((InetSocketAddress) zero.getLocalAddress(),
          (InetSocketAddress) impostor.getLocalAddress());
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<RingAllReduce> rank0 = pool.submit(() -> RingAllReduce.connect(0, addresses, zero,
            Duration.ofMillis(1500), Duration.ofSeconds(1), token));
        byte[] recorded;
        try (var c = impostor.accept()) {
          var in = new java.io.DataInputStream(c.socket().getInputStream());
          byte[] challenge = new byte[16];
          java.util.Arrays.fill(challenge, (byte) 7);
          c.write(java.nio.ByteBuffer.allocate(20).putInt(MAGIC).put(challenge).flip());
          recorded = new byte[4 + 4 + 16 + 32];
          in.readFully(recorded);
          // The token itself never crosses the wire; the answer is the MAC of this challenge.
          byte[] secret = token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          for (int i = 0; i + secret.length <= recorded.length; i++) {
            assertTrue(!java.util.Arrays.equals(recorded, i, i + secret.length, secret, 0, secret.length),
                "rank 0 sent the job's token in clear at byte " + i);
          }
          var answer = java.nio.ByteBuffer.wrap(recorded);
          assertEquals(MAGIC, answer.getInt());
          assertEquals(0, answer.getInt());
          byte[] nonce = new byte[16];
          answer.get(nonce);
          byte[] mac = new byte[32];
          answer.get(mac);
          assertArrayEquals(mac(token, 1, 0, 1, challenge, nonce), mac);
          // The impostor cannot prove the token: 32 bytes of guesswork.
          c.write(java.nio.ByteBuffer.allocate(32));
          assertEquals(-1, in.read(), "rank 0 went on talking to an impostor");
        }
        var refused = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
            rank0::get);
        assertTrue(refused.getCause().getMessage().startsWith("ring rank 0 could not connect to rank 1 at "),
            refused.getCause().getMessage());
        return recorded;
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * Forms a 2-rank ring whose rank 0 reaches rank 1 through a relay that records what rank 0
   * sends (a sniffer on the wire), and returns rank 0's answer to rank 1's challenge.
   */
  private static byte[] sniffAnAnswer(String token) throws Exception {
    ServerSocketChannel a = RingAllReduce.listen("127.0.0.1");
    ServerSocketChannel b = RingAllReduce.listen("127.0.0.1");
    ServerSocketChannel relay = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    var real = (InetSocketAddress) b.getLocalAddress();
    var viaRelay = List.of((InetSocketAddress) a.getLocalAddress(), (InetSocketAddress) relay.getLocalAddress());
    var direct = List.of((InetSocketAddress) a.getLocalAddress(), real);
    byte[] sniffed = new byte[4 + 4 + 16 + 32];
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      Future<?> relaying = pool.submit(() -> {
        try (relay; var from0 = relay.accept(); var to1 = java.nio.channels.SocketChannel.open(real)) {
          Future<?> back = pool.submit(() -> {
            to1.socket().getInputStream().transferTo(from0.socket().getOutputStream());
            return null;
          });
          var in = from0.socket().getInputStream();
          int got = in.readNBytes(sniffed, 0, sniffed.length);
          assertEquals(sniffed.length, got);
          to1.socket().getOutputStream().write(sniffed);
          in.transferTo(to1.socket().getOutputStream()); // the sums, until rank 0 closes
          to1.shutdownOutput();
          back.get();
        }
        return null;
      });
      Future<RingAllReduce> r0 = pool.submit(() -> RingAllReduce.connect(0, viaRelay, a, Duration.ofSeconds(8),
          Duration.ofSeconds(8), token));
      Future<RingAllReduce> r1 = pool.submit(() -> RingAllReduce.connect(1, direct, b, Duration.ofSeconds(8),
          Duration.ofSeconds(8), token));
      try (RingAllReduce ring0 = r0.get(); RingAllReduce ring1 = r1.get()) {
        Future<?> s1 = pool.submit(() -> {
          ring1.sum(new float[] {1});
          return null;
        });
        ring0.sum(new float[] {2});
        s1.get();
      }
      relaying.get();
      return sniffed;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void strangersReplaysAndImpostorsAreTurnedAwayWithoutTheTokenCrossingTheWire() throws Exception {
    String token = "secret";
    recordAnAnswer(token);
    byte[] replay = sniffAnAnswer(token);
    ServerSocketChannel a = RingAllReduce.listen("127.0.0.1");
    ServerSocketChannel b = RingAllReduce.listen("127.0.0.1");
    var addresses = List.of((InetSocketAddress) a.getLocalAddress(), (InetSocketAddress) b.getLocalAddress());
    // Three strangers reach rank 1 before rank 0 does (its accept queue is first come, first served):
    // one speaks first with the token in clear (the old hello), one answers the challenge under a
    // wrong token of the same length, one replays rank 0's recorded answer to an earlier challenge.
    var first = java.nio.channels.SocketChannel.open(addresses.get(1));
    first.write(java.nio.ByteBuffer.allocate(8 + 6).putInt(0).putInt(6).put(token.getBytes()).flip());
    var wrongToken = java.nio.channels.SocketChannel.open(addresses.get(1));
    var replayed = java.nio.channels.SocketChannel.open(addresses.get(1));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<RingAllReduce> r1 = pool.submit(() -> RingAllReduce.connect(1, addresses, b, Duration.ofSeconds(8),
          Duration.ofMillis(2000), token));
      Future<Boolean> wrong = pool.submit(() -> {
        var in = new java.io.DataInputStream(wrongToken.socket().getInputStream());
        assertEquals(MAGIC, in.readInt());
        byte[] challenge = new byte[16];
        in.readFully(challenge);
        byte[] nonce = new byte[16];
        wrongToken.write(java.nio.ByteBuffer.allocate(56).putInt(MAGIC).putInt(0).put(nonce)
            .put(mac("secreT", 1, 0, 1, challenge, nonce)).flip());
        return in.read() < 0; // dropped without a proof
      });
      Future<Boolean> again = pool.submit(() -> {
        var in = new java.io.DataInputStream(replayed.socket().getInputStream());
        assertEquals(MAGIC, in.readInt());
        in.readFully(new byte[16]);
        replayed.write(java.nio.ByteBuffer.wrap(replay));
        return in.read() < 0;
      });
      assertTrue(wrong.get(10, java.util.concurrent.TimeUnit.SECONDS), "the wrong token was answered");
      assertTrue(again.get(10, java.util.concurrent.TimeUnit.SECONDS), "the replayed answer was answered");
      // Only now does rank 0 start: rank 1 must still be waiting for it, and the ring forms.
      Future<RingAllReduce> r0 = pool.submit(() -> RingAllReduce.connect(0, addresses, a, Duration.ofSeconds(8),
          Duration.ofMillis(2000), token));
      try (RingAllReduce ring0 = r0.get(); RingAllReduce ring1 = r1.get()) {
        Future<float[]> sum1 = pool.submit(() -> {
          float[] v = {10, 20, 30};
          ring1.sum(v);
          return v;
        });
        float[] v0 = {1, 2, 3};
        ring0.sum(v0);
        assertArrayEquals(new float[] {11, 22, 33}, v0, 0f);
        assertArrayEquals(new float[] {11, 22, 33}, sum1.get(), 0f);
        // Rank 1 never sums again: rank 0 gives up after its I/O timeout, naming rank 1.
        var silent = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
            () -> ring0.sum(new float[] {1, 2}));
        assertEquals("ring rank 0 expected data from rank 1 within 2000 ms, got none (a rank stopped answering)",
            silent.getMessage());
      }
    } finally {
      pool.shutdownNow();
      first.close();
      wrongToken.close();
      replayed.close();
    }
  }

  @Test
  void ranksOfArraysOfDifferentLengthsFailNamingThem() throws Exception {
    // Ranks summing arrays of different lengths fail naming both lengths.
    var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
        () -> ranks(2, ring -> {
          ring.sum(new float[ring.rank() == 0 ? 4 : 6]);
          return null;
        }));
    assertTrue(e.getCause().getMessage().contains("(do the ranks sum arrays of the same length?)"), e.getCause()
        .getMessage());
  }
}
