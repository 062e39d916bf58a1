package org.millrace.pipelines.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * Finds out which REST API an Airflow webserver speaks and connects to it: Airflow 3 answers
 * {@code GET /api/v2/version} (then {@link AirflowRest3}: {@code /api/v2} with a bearer token,
 * taken from {@code POST /auth/token} with the user and password, or given), Airflow 2.x answers
 * {@code GET /api/v1/version} (then {@link AirflowRest}: {@code /api/v1} with basic
 * authentication). The URL may be the server's root or either API root; the version can also be
 * named instead of detected.
 */
public final class AirflowServers {
  /** Which API to speak: {@code AUTO} asks the server. */
  public enum Api { AUTO, V1, V2 }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private AirflowServers() {}

  /**
   * Connects to the Airflow at {@code url}.
   *
   * @param user the user (basic authentication for 2.x; the token request for 3), or null
   * @param password the user's password, or null
   * @param token an Airflow 3 access token to send as is, or null
   */
  public static AirflowApi connect(String url, Api api, String user, String password, String token) {
    String root = root(url);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String v2 = null;
    String v1 = null;
    if (api != Api.V1) {
      Answer a = send(http, root + "/api/v2", "GET /version", HttpRequest.newBuilder(URI.create(root
          + "/api/v2/version")).GET());
      if (a.status() == 200) {
        v2 = text(a, root + "/api/v2", "GET /version", "version");
      } else if (a.status() == 401 || a.status() == 403 || api == Api.V2) {
        // A server that protects its version endpoint, or one the user named as Airflow 3.
        v2 = "3";
      } else {
        v1 = version1(http, root, a);
      }
    } else {
      v1 = version1(http, root, null);
    }
    if (v2 != null && !v2.startsWith("2.")) {
      if (token != null && user != null) {
        throw new IllegalArgumentException("Airflow 3 at " + root + ": expected either a user (a token is requested"
            + " with the password) or a token, got both");
      }
      String bearer = token != null ? token : user != null ? token(http, root, user, password) : null;
      return new AirflowRest3(root + "/api/v2", bearer, v2);
    }
    if (v2 != null) {
      v1 = v2;
    }
    if (token != null) {
      throw new IllegalArgumentException("Airflow " + v1 + " at " + root + " (/api/v1) takes basic authentication:"
          + " expected --user, got a token (--token-env)");
    }
    return new AirflowRest(root + "/api/v1", user, password, v1);
  }

  /** The server's root: {@code url} without a trailing {@code /api/v1} or {@code /api/v2}. */
  static String root(String url) {
    if (url == null || !url.matches("https?://[^/\\s]+(/\\S*)?")) {
      throw new IllegalArgumentException("Airflow URL expected http(s)://host:port (or its /api/v1 or /api/v2),"
          + " got '" + url + "'");
    }
    return url.replaceAll("/+$", "").replaceAll("/api/v[12]$", "");
  }

  /** The version an Airflow 2.x server reports at {@code /api/v1/version}, after {@code v2} (its answer at /api/v2). */
  private static String version1(HttpClient http, String root, Answer v2) {
    Answer a = send(http, root + "/api/v1", "GET /version", HttpRequest.newBuilder(URI.create(root
        + "/api/v1/version")).GET());
    if (a.status() == 200) {
      return text(a, root + "/api/v1", "GET /version", "version");
    }
    if (a.status() == 401 || a.status() == 403) {
      return "2.x";
    }
    throw new IllegalStateException("Airflow at " + root + " expected to answer GET /api/v2/version (Airflow 3) or"
        + " GET /api/v1/version (Airflow 2), got " + (v2 == null ? "" : v2.status() + " and ") + a.status()
        + (a.body().isBlank() ? "" : ": " + abbreviate(a.body())));
  }

  /** The access token from {@code POST /auth/token} (Airflow 3's simple and FAB auth managers both serve it). */
  private static String token(HttpClient http, String root, String user, String password) {
    String body;
    try {
      body = JSON.writeValueAsString(JSON.createObjectNode().put("username", user).put("password",
          password == null ? "" : password));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Answer a = send(http, root, "POST /auth/token", HttpRequest.newBuilder(URI.create(root + "/auth/token"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    if (a.status() != 200 && a.status() != 201) {
      throw failure(root, "POST /auth/token", a.status(), a.body(), null);
    }
    return text(a, root, "POST /auth/token", "access_token");
  }

  private record Answer(int status, String body) {}

  private static Answer send(HttpClient http, String base, String what, HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = http.send(request.timeout(TIMEOUT).header("Accept", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body() == null ? "" : r.body());
    } catch (IOException e) {
      throw failure(base, what, 0, null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + what + " at " + base, e);
    }
  }

  private static String text(Answer a, String base, String what, String field) {
    try {
      JsonNode n = JSON.readTree(a.body()).path(field);
      if (n.isTextual() && !n.asText().isEmpty()) {
        return n.asText();
      }
    } catch (IOException e) {
      // Reported below with the body.
    }
    throw new IllegalStateException("Airflow at " + base + " answered " + what + " with " + a.status()
        + " but no '" + field + "' string: " + abbreviate(a.body()));
  }

  private static String abbreviate(String s) {
    String t = s.strip();
    return t.length() > 500 ? t.substring(0, 500) + "..." : t;
  }

  /** The error for a request that failed: not reached ({@code status} 0) or answered {@code status}. */
  static IllegalStateException failure(String base, String what, int status, String body, Throwable cause) {
    if (status == 0) {
      String why = cause == null ? "" : cause.getMessage() != null ? cause.getMessage()
          : cause.getClass().getSimpleName();
      if (cause != null && cause.getCause() != null && (why.isEmpty() || why.startsWith("java."))) {
        why = cause.getCause().toString();
      }
      return new IllegalStateException("Airflow at " + base + " could not be reached for " + what + ": " + why,
          cause);
    }
    String b = body == null ? "" : body.strip();
    return new IllegalStateException("Airflow at " + base + " answered " + status + " to " + what
        + (b.isEmpty() ? "" : ": " + abbreviate(b)), cause);
  }

  static Api api(String name) {
    try {
      return Api.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--api expected auto, v1 or v2, got '" + name + "'");
    }
  }
}
