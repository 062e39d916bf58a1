package org.millrace.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.millrace.serving.Predict.RequestException;
import org.millrace.transform.graph.Graph;

/** A predict body's values are read as the types of their features, in the row and the columnar form. */
class PredictTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One raw feature of each type: f float, n int, s string, b bool; the label kind. */
  static final Graph GRAPH = Graph.fromJson("""
      {"format": "millrace.transform_graph", "format_version": 1, "nan_policy": "error",
       "inputs": [{"name": "f", "type": "float"}, {"name": "n", "type": "int"}, {"name": "s", "type": "string"},
         {"name": "b", "type": "bool"}],
       "features": [
         {"name": "f", "sources": ["f"], "categorical": false, "ops": [{"op": "zscore", "mean": 0.0, "std": 1.0}],
          "outputs": ["f_zscore"]},
         {"name": "n", "sources": ["n"], "categorical": false, "ops": [{"op": "zscore", "mean": 0.0, "std": 1.0}],
          "outputs": ["n_zscore"]},
         {"name": "s", "sources": ["s"], "categorical": true,
          "ops": [{"op": "vocabulary", "terms": ["x", "y"], "num_oov_buckets": 1}], "outputs": ["s_id"]},
         {"name": "b", "sources": ["b"], "categorical": false, "ops": [], "outputs": ["b"]}],
       "label": {"feature": "kind", "task": "classification", "type": "string", "vocabulary": ["p", "q"]},
       "output_schema": {"dim": 4, "names": ["f_zscore", "n_zscore", "s_id", "b"]}}
      """);

  static Predict.Parsed parse(String body) throws Exception {
    return Predict.parse(JSON.readTree(body), GRAPH, 100);
  }

  static Map<String, Object> row(Object... pairs) {
    var m = new HashMap<String, Object>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Test
  void valuesOfTheirFeaturesTypesAreRead() throws Exception {
    var rows = parse("""
        {"instances": [{"f": 39.1, "n": 181, "s": "x", "b": true, "kind": 5},
                       {"f": 39, "n": 181.0, "s": "7", "b": false, "kind": "p"},
                       {"f": null, "n": -9223372036854775808, "s": null, "b": null}]}
        """);
    var nulls = row("f", null, "n", Long.MIN_VALUE, "s", null, "b", null);
    List<Map<String, Object>> expected = List.of(row("f", 39.1, "n", 181L, "s", "x", "b", true, "kind", 5L),
        row("f", 39L, "n", 181L, "s", "7", "b", false, "kind", "p"), nulls);
    assertEquals(expected, rows.rows());
    var columns = parse("""
        {"inputs": {"f": [39.1, 39, null], "n": [181, 181.0, -9223372036854775808], "s": ["x", "7", null],
                    "b": [true, false, null], "kind": [5, "p", null]}}
        """);
    var withLabel = new ArrayList<>(expected.subList(0, 2));
    var last = new HashMap<>(nulls);
    last.put("kind", null);
    withLabel.add(last);
    assertEquals(withLabel, columns.rows());
    // And the graph takes them: an int feature's 181.0 is the 181 the trainer saw.
    assertEquals(GRAPH.applyRow(row("f", 39.1, "n", 181L, "s", "x", "b", true))[1], GRAPH.applyRow(rows.rows().get(0))[1]);
  }

  /**
   * A value of another JSON type than its feature's is a 400 naming the row, the feature, the type
   * expected and the value: the graph took a boolean as 0 or 1, cut 181.7 to 181 for an int feature
   * and read 5.5 as the category "5.5".
   */
  @Test
  void aValueOfAnotherTypeIsABadRequestNamingRowFeatureTypeAndValue() throws Exception {
    Map<String, String> good = Map.of("f", "1.5", "n", "3", "s", "\"x\"", "b", "false");
    String[][] cases = {
        {"f", "true", "expected a number (a float feature), got boolean true"},
        {"f", "\"39.1\"", "expected a number (a float feature), got the string \"39.1\". Send the number without quotes"},
        {"f", "\"six\"", "expected a number (a float feature), got the string \"six\""},
        {"n", "true", "expected an integer (an int feature, int64), got boolean true"},
        {"n", "181.7", "expected an integer (an int feature, int64), got number 181.7. A fraction is not rounded;"
            + " a whole number may be written 3 or 3.0"},
        {"n", "1e19", "expected an integer (an int feature, int64), got number 1.0E19, outside int64"},
        {"n", "9223372036854775808", "expected an integer (an int feature, int64), got number 9223372036854775808,"
            + " outside int64"},
        {"n", "\"181\"", "expected an integer (an int feature, int64), got the string \"181\". Send the number without"
            + " quotes"},
        {"s", "5.5", "expected a string (a string feature), got number 5.5. Send the category as a string, in quotes"},
        {"s", "5", "expected a string (a string feature), got number 5. Send the category as a string, in quotes"},
        {"s", "false", "expected a string (a string feature), got boolean false"},
        {"b", "1", "expected true or false (a bool feature), got number 1"},
        {"b", "\"true\"", "expected true or false (a bool feature), got the string \"true\". Send true without quotes"},
    };
    for (String[] c : cases) {
      String feature = c[0];
      String ok = good.get(feature);
      var rows = assertThrows(RequestException.class, () -> parse("{\"instances\": [{\"" + feature + "\": " + ok
          + "}, {\"" + feature + "\": " + c[1] + "}]}"), feature + ": " + c[1]);
      assertEquals(400, rows.status);
      assertEquals("instances[1]: feature '" + feature + "' " + c[2], rows.getMessage());
      var columns = assertThrows(RequestException.class, () -> parse("{\"inputs\": {\"" + feature + "\": [" + ok
          + ", " + c[1] + "]}}"), feature + ": " + c[1]);
      assertEquals(400, columns.status);
      assertEquals("inputs row 1: feature '" + feature + "' " + c[2], columns.getMessage());
    }
  }
}
