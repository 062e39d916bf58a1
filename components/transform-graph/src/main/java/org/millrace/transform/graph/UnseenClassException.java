package org.millrace.transform.graph;

import java.util.List;

/**
 * A classification label whose value is not one of the graph's classes (a class absent from the
 * analyze splits, or from {@code label.classes}); callers that know the split add it and the fix.
 */
public final class UnseenClassException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String label;
  private final String value;
  private final List<String> classes;

  UnseenClassException(String label, String value, List<String> classes) {
    super("label '" + label + "' expected one of the classes " + classes + ", got '" + value
        + "' (unseen when the graph was fitted)");
    this.label = label;
    this.value = value;
    this.classes = List.copyOf(classes);
  }

  /** The label feature. */
  public String label() {
    return label;
  }

  /** The class the graph does not know. */
  public String value() {
    return value;
  }

  /** The graph's classes, in index order. */
  public List<String> classes() {
    return classes;
  }
}
