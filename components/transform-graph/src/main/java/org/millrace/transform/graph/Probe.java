package org.millrace.transform.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.millrace.api.data.Batch;
import org.millrace.api.data.Column;
import org.millrace.api.data.FeatureType;

/**
 * The value of a feature pipeline part-way through its ops (the already fitted prefix), read by
 * the analyzers so that a later op is fitted on exactly the values it will see when applied.
 *
 * @param name pipeline name (for errors)
 * @param sources raw inputs of the pipeline
 * @param categorical whether values are read as strings
 * @param ops fitted prefix (may be empty)
 * @param nanPolicy "error" or "missing"
 */
public record Probe(String name, List<InputFeature> sources, boolean categorical, List<GraphOp> ops, String nanPolicy) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public Probe {
    sources = List.copyOf(sources);
    ops = List.copyOf(ops);
  }

  /** Values after the prefix: {@link Column.Doubles} or {@link Column.Strings}, missing values as nulls. */
  public Column values(Batch batch) {
    int rows = batch.rowCount();
    Column[] cols = new Column[sources.size()];
    InputFeature[] types = sources.toArray(new InputFeature[0]);
    for (int i = 0; i < cols.length; i++) {
      cols[i] = batch.column(sources.get(i).name());
    }
    var cursor = new Cursor();
    boolean nanIsMissing = "missing".equals(nanPolicy);
    Object[] raw = new Object[cols.length];
    var nulls = new BitSet();
    double[] nums = categorical ? null : new double[rows];
    String[] strs = categorical ? new String[rows] : null;
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < cols.length; i++) {
        raw[i] = cols[i].get(r);
      }
      try {
        FeaturePipeline.load(raw, types, categorical, name, cursor, nanIsMissing);
        for (GraphOp op : ops) {
          op.apply(cursor, name);
        }
      } catch (IllegalArgumentException e) {
        // As when the fitted graph is applied: the row's values say which row it is (analysis had named none).
        throw new IllegalArgumentException(e.getMessage() + " [in the row " + Graph.rowText(batch, r) + "]", e);
      }
      if (cursor.kind == Cursor.Kind.IDX) {
        throw new IllegalStateException("BUG: probe of '" + name + "' ends at a category index");
      }
      if (cursor.missing) {
        nulls.set(r);
      } else if (categorical) {
        strs[r] = cursor.str;
      } else {
        nums[r] = cursor.num;
      }
    }
    return categorical ? new Column.Strings(strs, nulls) : new Column.Doubles(nums, nulls);
  }

  /** JSON form (so Beam functions carry a string, not Java objects). */
  public String toJson() {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("name", name).put("categorical", categorical).put("nan_policy", nanPolicy);
    ArrayNode s = n.putArray("sources");
    sources.forEach(f -> s.addObject().put("name", f.name()).put("type", f.type().name()));
    ArrayNode o = n.putArray("ops");
    ops.forEach(op -> GraphJson.writeOp(o.addObject(), op));
    return n.toString();
  }

  public static Probe fromJson(String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      var sources = new ArrayList<InputFeature>();
      n.get("sources").forEach(f -> sources.add(new InputFeature(f.get("name").asText(),
          FeatureType.valueOf(f.get("type").asText()))));
      var ops = new ArrayList<GraphOp>();
      n.get("ops").forEach(o -> ops.add(GraphJson.readOp(o)));
      return new Probe(n.get("name").asText(), sources, n.get("categorical").asBoolean(), ops,
          n.get("nan_policy").asText());
    } catch (IOException e) {
      throw new IllegalArgumentException("probe expected JSON, got " + json, e);
    }
  }
}
