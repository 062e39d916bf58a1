package org.millrace.transform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.millrace.api.artifact.Examples;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.data.SplitWriter;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.transform.spec.TransformParams;

/** Test fixtures: the penguins CSV as batches and Examples artifacts, and params from YAML. */
final class TestData {
  static final DataSchema PENGUINS = DataSchema.of(
      Feature.of("species", FeatureType.STRING, false), Feature.of("island", FeatureType.STRING, false),
      Feature.of("culmen_length_mm", FeatureType.FLOAT, true), Feature.of("culmen_depth_mm", FeatureType.FLOAT, true),
      Feature.of("flipper_length_mm", FeatureType.INT, true), Feature.of("body_mass_g", FeatureType.INT, true),
      Feature.of("sex", FeatureType.STRING, true));

  private TestData() {}

  /** All 344 penguins rows (empty fields missing). */
  static Batch penguins() {
    try (InputStream in = TestData.class.getResourceAsStream("/penguins/penguins.csv")) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      var b = new BatchBuilder(PENGUINS, lines.length);
      for (int i = 1; i < lines.length; i++) {
        String[] f = lines[i].trim().split(",", -1);
        int r = b.newRow();
        for (int c = 0; c < f.length; c++) {
          if (f[c].isEmpty()) {
            continue;
          }
          switch (PENGUINS.features().get(c).type()) {
            case FLOAT -> b.setDouble(c, r, Double.parseDouble(f[c]));
            case INT -> b.setLong(c, r, Long.parseLong(f[c]));
            default -> b.setString(c, r, f[c]);
          }
        }
      }
      return b.build();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Train = rows with index % 3 != 2, eval = the rest. */
  static List<Batch> trainEval(Batch all) {
    var train = new BatchBuilder(all.schema(), 256);
    var eval = new BatchBuilder(all.schema(), 128);
    for (int r = 0; r < all.rowCount(); r++) {
      Object[] row = all.row(r).values().toArray();
      (r % 3 == 2 ? eval : train).addRow(row);
    }
    return List.of(train.build(), eval.build());
  }

  /** An Examples artifact in {@code dir} with the given splits, each batch list written as 2 parts. */
  static Examples examples(Path dir, long span, Map<String, List<Batch>> splits) {
    for (var e : splits.entrySet()) {
      int part = 0;
      for (Batch b : e.getValue()) {
        try (var w = SplitWriter.open(dir.resolve("Split-" + e.getKey()), b.schema(), part++)) {
          w.write(b);
        }
      }
    }
    var props = new java.util.HashMap<String, Object>(Examples.splitProperties(new ArrayList<>(splits.keySet())));
    props.put(Examples.SPAN, span);
    return new Examples(dir.toString(), props);
  }

  /** Penguins as one span with train (two parts) and eval splits. */
  static Examples penguinsExamples(Path dir) {
    List<Batch> te = trainEval(penguins());
    Batch train = te.get(0);
    int half = train.rowCount() / 2;
    return examples(dir, 1, Map.of("train", List.of(train.slice(0, half), train.slice(half, train.rowCount())),
        "eval", List.of(te.get(1))));
  }

  /** Parameters from YAML text (the {@code parameters} block or the bare map). */
  @SuppressWarnings("unchecked")
  static TransformParams params(String yaml) {
    try {
      Map<String, Object> m = new ObjectMapper(new YAMLFactory()).readValue(yaml, Map.class);
      if (m.containsKey("parameters")) {
        m = (Map<String, Object>) m.get("parameters");
      }
      return ParameterBinder.bind(TransformParams.class, m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static TransformParams penguinsParams() {
    try {
      return params(java.nio.file.Files.readString(Path.of("../../examples/transform/penguins-transform.yaml")));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
