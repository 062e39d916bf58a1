package org.millrace.serving.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Answers of the millrace servers: a whole body with its type, and the headers every answer carries. */
public final class Responses {
  private Responses() {}

  /**
   * Sends {@code bytes} as the whole answer, with {@code contentType} and {@code nosniff} (the
   * browser takes the declared type, never guesses one); returns {@code status}.
   */
  public static int send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
    return status;
  }

  /** {@link #send} of UTF-8 text. */
  public static int send(HttpExchange ex, int status, String contentType, String text) throws IOException {
    return send(ex, status, contentType, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Headers for pages meant for a browser: no framing by other sites, no referrer sent on, and
   * {@code contentSecurityPolicy} (what the page may load and run).
   */
  public static void browserHeaders(HttpExchange ex, String contentSecurityPolicy) {
    ex.getResponseHeaders().set("Content-Security-Policy", contentSecurityPolicy);
    ex.getResponseHeaders().set("X-Frame-Options", "DENY");
    ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
  }
}
