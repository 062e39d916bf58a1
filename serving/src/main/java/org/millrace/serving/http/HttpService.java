package org.millrace.serving.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK {@link HttpServer} whose requests cannot be held up by slow clients nor crowd out the
 * health checks.
 *
 * <p>The JDK server reads a request's line and headers on the thread that then serves it. Here
 * that is a connection thread (one per open connection, at most {@link ServerLimits#maxConnections}),
 * and a request then waits for one of {@code requestSlots} slots before it is served: reading its
 * body, computing and writing its answer happen inside the slot, so the slots bound the work and
 * the memory of requests in flight. Requests for the {@code priorityPaths} (the health checks) are
 * served at once without a slot, so they answer while every slot is held. A client that sends its
 * request slowly, or never reads its answer, holds its slot no longer than the
 * {@linkplain ServerLimits server's time limits}: the server then closes its connection.
 */
public final class HttpService implements AutoCloseable {
  private final HttpServer http;
  private final ThreadPoolExecutor connections;
  private final Semaphore slots;
  private final int requestSlots;

  private HttpService(HttpServer http, ThreadPoolExecutor connections, Semaphore slots, int requestSlots) {
    this.http = http;
    this.connections = connections;
    this.slots = slots;
    this.requestSlots = requestSlots;
  }

  /**
   * Listens on {@code host:port} (0: any free port) and serves every path with {@code handler};
   * {@code name} names the threads. A port taken, an address not this machine's or a name that
   * does not resolve is a {@link BindException} naming {@code host:port}.
   */
  public static HttpService start(String name, String host, int port, int requestSlots, Set<String> priorityPaths,
      HttpHandler handler) throws IOException {
    if (requestSlots < 1) {
      throw new IllegalArgumentException("request slots expected >= 1, got " + requestSlots);
    }
    ServerLimits.install();
    var address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      // The JDK's own error here is a SocketException "Unresolved address", without the name.
      throw new BindException("cannot listen on " + host + ":" + port + ": the name '" + host
          + "' resolves to no address (expected an address of this machine, such as 127.0.0.1 or 0.0.0.0,"
          + " or a name that resolves to one)");
    }
    HttpServer http;
    try {
      http = HttpServer.create(address, 128);
    } catch (BindException e) {
      throw cannotListen(host, port, e);
    }
    int max = ServerLimits.maxConnections();
    int threads = max > 0 ? max + 1 : 1024;
    var connections = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        daemons(name));
    connections.allowCoreThreadTimeOut(true);
    var slots = new Semaphore(requestSlots, true);
    var service = new HttpService(http, connections, slots, requestSlots);
    Set<String> priority = Set.copyOf(priorityPaths);
    http.createContext("/", ex -> service.dispatch(ex, priority, handler));
    http.setExecutor(connections);
    http.start();
    return service;
  }

  /**
   * The JDK's BindException says only "Address already in use": one that names the address, for
   * the one line a command prints.
   */
  private static BindException cannotListen(String host, int port, BindException e) {
    String reason = String.valueOf(e.getMessage());
    var named = new BindException("cannot listen on " + host + ":" + port + ": " + reason
        + (reason.contains("in use") ? " (another process listens on that port: stop it, or choose another --port)"
            : ""));
    named.initCause(e);
    return named;
  }

  private void dispatch(HttpExchange ex, Set<String> priority, HttpHandler handler) throws IOException {
    if (priority.contains(ex.getRequestURI().getRawPath())) {
      handler.handle(ex);
      return;
    }
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      // The service is closing.
      Thread.currentThread().interrupt();
      ex.close();
      return;
    }
    try {
      handler.handle(ex);
    } finally {
      slots.release();
    }
  }

  /** The address listened on (with the port chosen when 0 was asked for). */
  public InetSocketAddress address() {
    return http.getAddress();
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /** Requests being served now (holding a slot). */
  public int busySlots() {
    return requestSlots - slots.availablePermits();
  }

  /** Closes the port and the open connections, then ends the threads (waiting up to 5 s). */
  @Override
  public void close() {
    http.stop(0);
    connections.shutdownNow();
    try {
      connections.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemons(String name) {
    var n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
