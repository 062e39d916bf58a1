package org.millrace.ingest.csv;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.millrace.api.data.DataSchema;

/**
 * A JSON document file ({@code format: json}, {@code .json}): one array of objects
 * ({@code [{...}, {...}]}, on one line or many), or objects one after another. Read with a
 * streaming parser, one object in memory at a time; each object becomes the same field list a
 * JSON line gives ({@link JsonLines#record(long, String, DataSchema)}), so typing and bad rows are
 * shared. A record is numbered by its place in the file (1 for the first object), since one line
 * may hold them all. A syntax error ends the file: it fails naming the file, record and line.
 */
public final class JsonArrays implements RecordSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String file;
  private final JsonParser parser;
  private final DataSchema schema;
  private final boolean array;
  private long number;
  private boolean done;

  private JsonArrays(String file, InputStream in, DataSchema schema) throws IOException {
    this.file = file;
    this.parser = new JsonFactory(JSON).createParser(in);
    this.schema = schema;
    JsonToken first = next(parser, file, 0);
    if (first == null) {
      done = true;
      array = false;
    } else if (first == JsonToken.START_ARRAY) {
      array = true;
    } else if (first == JsonToken.START_OBJECT) {
      array = false;
    } else {
      parser.close();
      throw new IllegalArgumentException(file + " line " + parser.currentTokenLocation().getLineNr()
          + ": expected a JSON array of objects or a JSON object, got " + first);
    }
  }

  /** The records of {@code in}, typed against {@code schema} (a JSON object per record). */
  public static JsonArrays open(InputStream in, String file, DataSchema schema) throws IOException {
    return new JsonArrays(file, in, schema);
  }

  /**
   * Infers a schema from the first {@code sampleRows} objects with the JSON lines rules
   * ({@link JsonLines#infer}): keys in first-seen order, narrowest type.
   */
  public static DataSchema infer(InputStream in, String file, int sampleRows, long maxRecordBytes) throws IOException {
    var lines = new ByteArrayOutputStream();
    try (var records = new JsonArrays(file, in, null)) {
      JsonNode node;
      int rows = 0;
      while (rows < sampleRows && (node = records.nextObject()) != null) {
        lines.write(node.toString().getBytes(StandardCharsets.UTF_8));
        lines.write('\n');
        rows++;
      }
    }
    return JsonLines.infer(new ByteArrayInputStream(lines.toByteArray()), file, sampleRows, maxRecordBytes);
  }

  @Override
  public CsvRecord next() throws IOException {
    JsonNode node = nextObject();
    if (node == null) {
      return null;
    }
    String text = node.toString();
    if (!node.isObject()) {
      return new CsvRecord(number, null, text, "expected a JSON object, got " + node.getNodeType());
    }
    return JsonLines.record(number, text, schema);
  }

  /** The next value of the array (or the next top-level value), or null at the end. */
  private JsonNode nextObject() throws IOException {
    if (done) {
      return null;
    }
    JsonToken t = number == 0 && !array ? parser.currentToken() : next(parser, file, number + 1);
    if (t == null || (array && t == JsonToken.END_ARRAY)) {
      done = true;
      if (array && t == null) {
        throw new IllegalArgumentException(file + " record " + (number + 1) + " (line "
            + parser.currentLocation().getLineNr() + "): expected ']' to close the array, got the end of the file");
      }
      return null;
    }
    number++;
    try {
      return JSON.readTree(parser);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " record " + number + " (line " + e.getLocation().getLineNr()
          + "): expected a JSON object, got invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static JsonToken next(JsonParser parser, String file, long record) throws IOException {
    try {
      return parser.nextToken();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " record " + Math.max(1, record) + " (line "
          + e.getLocation().getLineNr() + "): expected JSON, got invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
