package org.millrace.api.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/** The properties an executor reports for each of its outputs, keyed by output name. */
public record ExecutorResult(Map<String, Map<String, Object>> outputProperties) {

  public ExecutorResult {
    var copy = new LinkedHashMap<String, Map<String, Object>>();
    outputProperties.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
    outputProperties = Map.copyOf(copy);
  }

  /** No output properties. */
  public static ExecutorResult empty() {
    return new ExecutorResult(Map.of());
  }

  /** The properties of one output (empty when none were reported). */
  public Map<String, Object> properties(OutputKey<?> key) {
    return outputProperties.getOrDefault(key.name(), Map.of());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects output properties. */
  public static final class Builder {
    private final Map<String, Map<String, Object>> props = new LinkedHashMap<>();

    public Builder property(OutputKey<?> key, String name, Object value) {
      props.computeIfAbsent(key.name(), k -> new LinkedHashMap<>()).put(name, value);
      return this;
    }

    public Builder properties(OutputKey<?> key, Map<String, Object> values) {
      props.computeIfAbsent(key.name(), k -> new LinkedHashMap<>()).putAll(values);
      return this;
    }

    public ExecutorResult build() {
      return new ExecutorResult(props);
    }
  }
}
