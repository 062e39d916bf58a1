package org.millrace.serving;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import org.millrace.serving.Predict.RequestException;

/**
 * A request body as one JSON value, read strictly: a key twice in an object (which a lenient
 * reader answers with the last one) and anything after the value (a second document, text) are
 * errors, as syntax errors are, each a 400 naming the place.
 */
final class RequestJson {
  private static final ObjectReader READER = new ObjectMapper().reader()
      .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  private RequestJson() {}

  /** The JSON value of {@code body}; a {@link RequestException} (400) when it is not exactly one. */
  static JsonNode read(byte[] body) {
    try (JsonParser p = READER.createParser(body)) {
      JsonNode value;
      try {
        value = READER.readTree(p);
      } catch (JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage());
        // Jackson's STRICT_DUPLICATE_DETECTION failure has no type of its own, only this message.
        String duplicate = message.startsWith("Duplicate field") ? p.currentName() : null;
        if (duplicate != null) {
          throw new RequestException(400, "request body expected each key once per object, got '" + duplicate
              + "' twice at " + p.getParsingContext().pathAsPointer() + at(e.getLocation()));
        }
        throw new RequestException(400, "request body expected JSON" + at(e.getLocation()) + ": "
            + message);
      }
      if (value == null || value.isMissingNode()) {
        throw new RequestException(400, "request body expected JSON, got only white space");
      }
      JsonLocation end = p.currentLocation();
      boolean more;
      try {
        more = p.nextToken() != null;
      } catch (JsonProcessingException e) {
        more = true; // text that is no JSON token (garbage) is as much more as a second document is
      }
      if (!more) {
        return value;
      }
      throw new RequestException(400, "request body expected one JSON value, got more after it"
          + nextText(body, end) + ". Send one object per request");
    } catch (IOException e) {
      // A byte array cannot fail to be read: what is left is a parser's own failure.
      throw new java.io.UncheckedIOException("BUG: reading a request body held in memory failed", e);
    }
  }

  /** Where the first character after the white space that follows {@code end} is. */
  private static String nextText(byte[] body, JsonLocation end) {
    int line = end.getLineNr();
    int column = end.getColumnNr();
    for (long i = end.getByteOffset(); i >= 0 && i < body.length; i++) {
      byte b = body[(int) i];
      if (b == '\n') {
        line++;
        column = 1;
      } else if (b == ' ' || b == '\t' || b == '\r') {
        column++;
      } else {
        break;
      }
    }
    return " (line " + line + ", column " + column + ")";
  }

  private static String at(JsonLocation where) {
    return where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
  }
}
