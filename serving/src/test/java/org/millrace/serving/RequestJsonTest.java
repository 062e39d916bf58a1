package org.millrace.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.millrace.serving.Predict.RequestException;

/** A request body is exactly one JSON value with each key once per object, or a 400 saying where it is not. */
class RequestJsonTest {
  static String refused(String body) {
    var e = assertThrows(RequestException.class, () -> RequestJson.read(body.getBytes(StandardCharsets.UTF_8)),
        body);
    assertEquals(400, e.status, e.getMessage());
    return e.getMessage();
  }

  @Test
  void oneValueIsRead() {
    assertEquals("{\"instances\":[{\"a\":1}]}",
        RequestJson.read(" {\"instances\": [{\"a\": 1}]}\n\t ".getBytes(StandardCharsets.UTF_8)).toString());
  }

  /** A lenient reader kept the last of a key given twice: a row answered for a value its client did not mean. */
  @Test
  void aKeyTwiceInAnObjectIsRefusedInRowsColumnsAndTheBody() {
    assertEquals("request body expected each key once per object, got 'a' twice at /instances/1/a (line 1,"
        + " column 41)", refused("{\"instances\": [{\"a\": 1}, {\"a\": true, \"a\": 2}]}"));
    assertEquals("request body expected each key once per object, got 'a' twice at /inputs/a (line 1, column 26)",
        refused("{\"inputs\": {\"a\": [1], \"a\": [2]}}"));
    assertEquals("request body expected each key once per object, got 'instances' twice at /instances (line 1,"
        + " column 30)", refused("{\"instances\": [], \"instances\": [{\"a\": 1}]}"));
  }

  /** Anything after the value was ignored: a second document, a truncated paste, text. */
  @Test
  void anythingAfterTheValueIsRefused() {
    assertEquals("request body expected one JSON value, got more after it (line 1, column 27). Send one object per"
        + " request", refused("{\"instances\": [{\"a\": 1}]} garbage"));
    assertEquals("request body expected one JSON value, got more after it (line 2, column 1). Send one object per"
        + " request", refused("{\"inputs\": {\"a\": [1]}}\n{\"inputs\": {\"a\": [2]}}"));
    assertEquals("request body expected one JSON value, got more after it (line 1, column 26). Send one object per"
        + " request", refused("{\"instances\": [{\"a\": 1}]}]"));
  }

  @Test
  void syntaxErrorsAndWhiteSpaceSayWhere() {
    String truncated = refused("{\"instances\": [{\"a\": 1,");
    assertEquals("request body expected JSON (line 1, column 24): ", truncated.substring(0, 48), truncated);
    assertEquals("request body expected JSON, got only white space", refused(" \n "));
  }
}
