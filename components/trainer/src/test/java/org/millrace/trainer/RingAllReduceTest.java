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
import org.millrace.trainer.nn.Loss;
import org.millrace.trainer.nn.Network;
import org.millrace.trainer.nn.Optimizer;
import org.millrace.trainer.nn.Training;

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

  @Test
  void strangersAreTurnedAwayAndASilentOrMismatchedRankFailsItsNeighbours() throws Exception {
    // A connection with the wrong token reaches rank 0 first: it is dropped, and the ring still forms.
    ServerSocketChannel a = RingAllReduce.listen("127.0.0.1");
    ServerSocketChannel b = RingAllReduce.listen("127.0.0.1");
    var addresses = List.of((InetSocketAddress) a.getLocalAddress(), (InetSocketAddress) b.getLocalAddress());
    try (var stranger = java.nio.channels.SocketChannel.open(addresses.get(0))) {
      stranger.write(java.nio.ByteBuffer.allocate(8 + 5).putInt(1).putInt(5).put("guess".getBytes()).flip());
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<RingAllReduce> r0 = pool.submit(() -> RingAllReduce.connect(0, addresses, a, Duration.ofSeconds(10),
            Duration.ofMillis(500), "secret"));
        Future<RingAllReduce> r1 = pool.submit(() -> RingAllReduce.connect(1, addresses, b, Duration.ofSeconds(10),
            Duration.ofMillis(500), "secret"));
        try (RingAllReduce ring0 = r0.get(); RingAllReduce ring1 = r1.get()) {
          // Rank 1 never sums: rank 0 gives up after its I/O timeout, naming rank 1.
          var silent = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
              () -> ring0.sum(new float[] {1, 2}));
          assertEquals("ring rank 0 expected data from rank 1 within 500 ms, got none (a rank stopped answering)",
              silent.getMessage());
        }
      } finally {
        pool.shutdownNow();
      }
    }
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
