package org.millrace.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.InputFormat;
import org.millrace.api.model.Task;

/** The enums of task and input format: one spelling each, parsed once, named errors. */
class SpellingsTest {
  /** Parameters with the enums, as a component's parameters record holds them. */
  record Params(InputFormat format, Task task) {}

  @Test
  void parsesAnyCaseAndNamesThePathAndTheAllowedValues() {
    assertEquals(Task.REGRESSION, Task.parse("Regression", "label.task"));
    assertEquals(InputFormat.JSONL, InputFormat.parse("JSONL", "format"));
    var e = assertThrows(ParameterException.class, () -> Task.parse("ranking", "label.task"));
    assertEquals("label.task", e.path());
    assertEquals("label.task expected one of [classification, regression], got 'ranking'", e.getMessage());
    e = assertThrows(ParameterException.class, () -> InputFormat.parse(null, "format"));
    assertEquals("format expected one of [csv, jsonl, json, arrow, parquet], got nothing", e.getMessage());
    assertEquals(List.of("csv", "jsonl", "json", "arrow", "parquet"), Spellings.allowed(InputFormat.class));
  }

  @Test
  void parametersKeepTheirSpellingInTheCanonicalForm() {
    Params p = ParameterBinder.bind(Params.class, Map.of("format", "Parquet", "task", "classification"));
    assertEquals(new Params(InputFormat.PARQUET, Task.CLASSIFICATION), p);
    // The stored (and cache key) form is the YAML spelling, so keys computed before the enums still match.
    assertEquals(Map.of("format", "parquet", "task", "classification"), ParameterBinder.toMap(p));
    assertEquals("{\"format\":\"parquet\",\"task\":\"classification\"}", ParameterBinder.toCacheJson(p));
    assertEquals(p, ParameterBinder.bind(Params.class, ParameterBinder.toMap(p)));
    var e = assertThrows(ParameterException.class, () -> ParameterBinder.bind(Params.class, Map.of("format", "xml")));
    assertEquals("format", e.path());
    assertEquals("parameter 'format' expected one of [csv, jsonl, json, arrow, parquet], got 'xml'", e.getMessage());
  }

  @Test
  void formatFollowsTheFileExtension() {
    assertEquals(InputFormat.JSONL, InputFormat.ofFileName("/data/a.jsonl"));
    assertEquals(InputFormat.JSONL, InputFormat.ofFileName("s3://b/a.ndjson"));
    assertEquals(InputFormat.ARROW, InputFormat.ofFileName("a.arrow"));
    assertEquals(InputFormat.PARQUET, InputFormat.ofFileName("span-{SPAN}/*.parquet"));
    assertEquals(InputFormat.CSV, InputFormat.ofFileName("a.tsv"));
    assertEquals(InputFormat.JSON, InputFormat.ofFileName("flights-20k.json"));
    assertEquals(InputFormat.CSV, InputFormat.ofFileName("digits.csv.gz"));
    assertEquals(InputFormat.JSONL, InputFormat.ofFileName("a.JSONL.GZ"));
  }
}
