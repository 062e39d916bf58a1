package org.millrace.api.artifact;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Validation and copying of artifact properties. */
final class Props {
  private Props() {}

  static Map<String, Object> copy(Map<String, Object> properties) {
    if (properties == null || properties.isEmpty()) {
      return Map.of();
    }
    var out = new LinkedHashMap<String, Object>();
    properties.forEach((k, v) -> {
      if (k == null || v == null) {
        throw new IllegalArgumentException("artifact property expected a name and a value, got " + k + "=" + v);
      }
      if (v instanceof Integer i) {
        v = i.longValue();
      } else if (v instanceof Float f) {
        v = f.doubleValue();
      } else if (!(v instanceof Long || v instanceof Double || v instanceof String || v instanceof Boolean)) {
        throw new IllegalArgumentException(String.format(
            "artifact property '%s' expected Long, Double, String or Boolean, got %s",
            k, v.getClass().getSimpleName()));
      }
      out.put(k, v);
    });
    return Collections.unmodifiableMap(out);
  }
}
