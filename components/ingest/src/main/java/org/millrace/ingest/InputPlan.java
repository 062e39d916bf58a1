package org.millrace.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one ExampleGen run reads: the spans and versions chosen, the files, and — for pre-split
 * inputs — the split each file belongs to (empty when rows are hashed into splits).
 */
record InputPlan(List<Long> spans, List<Long> versions, List<SpanResolver.InputFile> inputs,
    Map<String, String> fileSplits) {

  static InputPlan resolve(ExampleGenParams p) {
    if (p.inputSplits() == null) {
      var r = SpanResolver.resolve(p.input(), p.span(), p.spanRange(), p.rollingWindow(), p.version());
      return new InputPlan(r.spans(), r.versions(), r.inputs(), Map.of());
    }
    SpanResolver.Resolution first = null;
    String firstSplit = null;
    var inputs = new ArrayList<SpanResolver.InputFile>();
    var fileSplits = new LinkedHashMap<String, String>();
    for (var e : p.inputSplits().entrySet()) {
      SpanResolver.Resolution r;
      try {
        r = SpanResolver.resolve(e.getValue(), p.span(), p.spanRange(), p.rollingWindow(), p.version());
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("input_splits." + e.getKey() + ": " + bad.getMessage(), bad);
      }
      if (first == null) {
        first = r;
        firstSplit = e.getKey();
      } else if (!r.spans().equals(first.spans()) || !r.versions().equals(first.versions())) {
        // Splits of different spans would pair this span's training data with another's evaluation.
        throw new IllegalArgumentException("input_splits expected the same spans and versions for every split, got "
            + firstSplit + " spans " + first.spans() + " versions " + first.versions() + " ('"
            + p.inputSplits().get(firstSplit) + "'), " + e.getKey() + " spans " + r.spans() + " versions "
            + r.versions() + " ('" + e.getValue() + "'). Choose the span with span or span_range.");
      }
      for (var f : r.inputs()) {
        String before = fileSplits.put(f.path(), e.getKey());
        if (before != null) {
          throw new IllegalArgumentException("input_splits expected each file in one split, got " + f.path()
              + " in both " + before + " and " + e.getKey());
        }
        inputs.add(f);
      }
    }
    return new InputPlan(first.spans(), first.versions(), List.copyOf(inputs), Map.copyOf(fileSplits));
  }

  List<String> files() {
    return inputs.stream().map(SpanResolver.InputFile::path).toList();
  }

  long span() {
    return spans.get(spans.size() - 1);
  }

  long version() {
    return versions.get(versions.size() - 1);
  }
}
