package org.millrace.api.statistics;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import java.util.ArrayList;
import java.util.List;
import org.millrace.api.data.Batch;
import org.millrace.api.data.Feature;
import org.millrace.api.format.StatisticsModel;

/** Mergeable statistics of every feature of one split. */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class SplitAccumulator {
  List<FeatureAccumulator> features = new ArrayList<>();
  long rows;

  public void add(Batch b) {
    if (features.isEmpty()) {
      for (Feature f : b.schema().features()) {
        features.add(new FeatureAccumulator(f.name(), f.type()));
      }
    }
    if (features.size() != b.schema().size()) {
      throw new IllegalArgumentException("statistics expected batches of one schema, got " + b.schema().names());
    }
    for (int i = 0; i < features.size(); i++) {
      features.get(i).add(b.column(i));
    }
    rows += b.rowCount();
  }

  public void merge(SplitAccumulator o) {
    if (o.features.isEmpty()) {
      return;
    }
    if (features.isEmpty()) {
      for (FeatureAccumulator f : o.features) {
        features.add(new FeatureAccumulator(f.name, f.type));
      }
    }
    for (int i = 0; i < features.size(); i++) {
      features.get(i).merge(o.features.get(i));
    }
    rows += o.rows;
  }

  public StatisticsModel result(String split) {
    return new StatisticsModel(split, rows, features.stream().map(FeatureAccumulator::result).toList());
  }
}
