package org.millrace.evaluator;

import java.util.List;
import org.millrace.api.data.Batch;

/** Slice keys: {@code overall}, {@code island=Biscoe}, {@code island=Biscoe, sex=MALE}. */
final class Slices {
  static final String OVERALL = "overall";

  private Slices() {}

  static String key(List<String> features, Batch batch, int row) {
    if (features.isEmpty()) {
      return OVERALL;
    }
    var sb = new StringBuilder();
    for (String f : features) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(f).append('=').append(batch.column(f).get(row));
    }
    return sb.toString();
  }
}
