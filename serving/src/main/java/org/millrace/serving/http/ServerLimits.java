package org.millrace.serving.http;

import java.time.Duration;

/**
 * The slow-client limits of the JDK's HTTP server, which it reads from system properties once, when
 * its classes load, for every server of the JVM:
 *
 * <ul>
 *   <li>{@value #REQUEST_TIME} (seconds, default here 30): the request line, headers and body must
 *       have arrived within it, else the server closes the connection (a client that sends them
 *       slowly cannot hold a request slot for longer);
 *   <li>{@value #RESPONSE_TIME} (seconds, default here 60): from the end of the request until the
 *       answer has left (a client that never reads its answer is cut off);
 *   <li>{@value #MAX_CONNECTIONS} (default here 256): connections open at once; more are accepted
 *       and closed at once;
 *   <li>{@code sun.net.httpserver.idleInterval} (seconds, the JDK's default 30): keep-alive
 *       connections idle that long are closed;
 *   <li>{@value #NO_DELAY} (default here true, the JDK's false): TCP_NODELAY on the connections. The
 *       server writes an answer's headers and body separately; with Nagle's algorithm the body then
 *       waits for the client's (delayed) acknowledgement of the headers, some 40 ms per request on a
 *       keep-alive connection.
 * </ul>
 *
 * {@link #install()} sets the defaults above for the properties the user did not set (for example
 * through {@code MILLRACE_JAVA_OPTS="-Dsun.net.httpserver.maxReqTime=10"}); it must run before the
 * JVM's first HTTP server is created, which {@link HttpService#start} does.
 */
public final class ServerLimits {
  /** Seconds a request may take to arrive. */
  public static final String REQUEST_TIME = "sun.net.httpserver.maxReqTime";
  /** Seconds an answer may take to leave. */
  public static final String RESPONSE_TIME = "sun.net.httpserver.maxRspTime";
  /** Connections open at once, per server. */
  public static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";
  /** Whether TCP_NODELAY is set on the connections. */
  public static final String NO_DELAY = "sun.net.httpserver.nodelay";

  private ServerLimits() {}

  /** Sets the defaults of the properties the user did not set; the JDK reads them when its first server starts. */
  public static synchronized void install() {
    setIfAbsent(REQUEST_TIME, "30");
    setIfAbsent(RESPONSE_TIME, "60");
    setIfAbsent(MAX_CONNECTIONS, "256");
    setIfAbsent(NO_DELAY, "true");
  }

  /** The time a request may take to arrive (the JDK's setting; none when it is not positive). */
  public static Duration requestTime() {
    return Duration.ofSeconds(Long.getLong(REQUEST_TIME, -1));
  }

  /** The time an answer may take to leave (the JDK's setting; none when it is not positive). */
  public static Duration responseTime() {
    return Duration.ofSeconds(Long.getLong(RESPONSE_TIME, -1));
  }

  /** Connections open at once per server (the JDK's setting; unbounded when not positive). */
  public static int maxConnections() {
    return Integer.getInteger(MAX_CONNECTIONS, -1);
  }

  private static void setIfAbsent(String name, String value) {
    if (System.getProperty(name) == null) {
      System.setProperty(name, value);
    }
  }
}
