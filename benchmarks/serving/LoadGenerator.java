import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop HTTP load: {@code concurrency} keep-alive connections, each sending one POST (the
 * body read from a file) as soon as its previous answer has arrived, for a warm-up then a measured
 * duration. Reports requests/s, latency percentiles (from every measured request, sorted) and
 * errors (a status other than 200, a body without {@code expect}, or a connection failure, after
 * which the client reconnects). Only the JDK: {@code java LoadGenerator.java NAME HOST PORT PATH
 * BODY_FILE EXPECT CONCURRENCY WARMUP_S DURATION_S}.
 */
public class LoadGenerator {
  public static void main(String[] args) throws Exception {
    String name = args[0];
    String host = args[1];
    int port = Integer.parseInt(args[2]);
    String path = args[3];
    byte[] body = Files.readAllBytes(Path.of(args[4]));
    String expect = args[5];
    int concurrency = Integer.parseInt(args[6]);
    double warmup = Double.parseDouble(args[7]);
    double duration = Double.parseDouble(args[8]);
    byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] request = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, request, head.length, body.length);

    long start = System.nanoTime();
    long measureFrom = start + (long) (warmup * 1e9);
    long end = measureFrom + (long) (duration * 1e9);
    var errors = new AtomicLong();
    var firstErrors = java.util.Collections.synchronizedList(new ArrayList<String>());
    List<long[]> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      Thread t = new Thread(() -> {
        long[] mine = new long[1 << 16];
        int n = 0;
        Socket s = null;
        InputStream in = null;
        OutputStream out = null;
        while (true) {
          long t0 = System.nanoTime();
          if (t0 >= end) {
            break;
          }
          try {
            if (s == null) {
              s = new Socket();
              s.setTcpNoDelay(true);
              s.connect(new InetSocketAddress(host, port), 5000);
              s.setSoTimeout(30_000);
              in = new BufferedInputStream(s.getInputStream(), 1 << 16);
              out = s.getOutputStream();
              t0 = System.nanoTime();
            }
            out.write(request);
            out.flush();
            Response r = read(in);
            long t1 = System.nanoTime();
            boolean ok = r.status == 200 && r.body.contains(expect);
            if (t0 >= measureFrom) {
              if (!ok) {
                errors.incrementAndGet();
                if (firstErrors.size() < 5) {
                  firstErrors.add(r.status + " " + r.body);
                }
              }
              if (n == mine.length) {
                mine = Arrays.copyOf(mine, n * 2);
              }
              mine[n++] = t1 - t0;
            }
            if (r.close) {
              s.close();
              s = null;
            }
          } catch (IOException e) {
            if (t0 >= measureFrom) {
              errors.incrementAndGet();
              if (firstErrors.size() < 5) {
                firstErrors.add(e.toString());
              }
            }
            try {
              if (s != null) {
                s.close();
              }
            } catch (IOException ignored) {
              // reconnecting
            }
            s = null;
          }
        }
        latencies.add(Arrays.copyOf(mine, n));
        try {
          if (s != null) {
            s.close();
          }
        } catch (IOException ignored) {
          // done
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    System.out.printf("%-34s conc=%d %6.1f s %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  max %7.3f ms"
        + "  requests %d  errors %d%n", name, concurrency, duration, all.length / duration, pct(all, 0.50),
        pct(all, 0.99), pct(all, 0.999), all.length == 0 ? 0 : all[all.length - 1] / 1e6, all.length, errors.get());
    firstErrors.forEach(e -> System.out.println("  error: " + e));
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  record Response(int status, String body, boolean close) {}

  /** One HTTP/1.1 response with a Content-Length or chunked body. */
  static Response read(InputStream in) throws IOException {
    String status = line(in);
    if (status == null) {
      throw new IOException("connection closed by the server");
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      String lower = h.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    var body = new java.io.ByteArrayOutputStream();
    if (chunked) {
      for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
        body.write(in.readNBytes(size));
        line(in);
      }
      line(in);
    } else if (length >= 0) {
      body.write(in.readNBytes((int) length));
    } else {
      body.write(in.readAllBytes());
      close = true;
    }
    return new Response(code, body.toString(StandardCharsets.UTF_8), close);
  }

  static String line(InputStream in) throws IOException {
    var b = new StringBuilder();
    for (int c = in.read(); c != -1; c = in.read()) {
      if (c == '\n') {
        int n = b.length();
        return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
      }
      b.append((char) c);
    }
    return b.length() == 0 ? null : b.toString();
  }
}
