package org.millrace.serving.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * A bearer token the requests to a server must present ({@code Authorization: Bearer TOKEN}),
 * compared in constant time. Read from a file ({@code --token-file}) so that it appears in no
 * command line.
 */
public final class BearerToken {
  private final byte[] token;

  private BearerToken(byte[] token) {
    this.token = token;
  }

  /** A token; refuses a blank one. */
  public static BearerToken of(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("bearer token expected a non-blank value, got a blank one");
    }
    return new BearerToken(token.trim().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The token held by {@code file} (surrounding white space dropped); {@code option} names where
   * the file was given, for the errors.
   */
  public static BearerToken fromFile(Path file, String option) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(option + " expected a file holding the token, got " + file
          + ": it does not exist");
    }
    String token = Files.readString(file).trim();
    if (token.isEmpty()) {
      throw new IllegalArgumentException(option + " expected a token in " + file + ", got an empty file");
    }
    return new BearerToken(token.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Null when the request carries the token; else what is wrong, for the 401 answer (whose
   * {@code WWW-Authenticate} header this sets).
   */
  public String refusal(HttpExchange ex) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    byte[] got = header != null && header.startsWith("Bearer ")
        ? header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (MessageDigest.isEqual(token, got)) {
      return null;
    }
    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
    return "request expected an Authorization: Bearer header with the server's token, got "
        + (header == null ? "none" : "a wrong one");
  }
}
