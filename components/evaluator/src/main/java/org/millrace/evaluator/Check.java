package org.millrace.evaluator;

/** One validation check: the metric, what it was compared with, what was observed, and the verdict. */
public record Check(String metric, String slice, String kind, String threshold, Double observed, Double baseline,
    boolean passed, String message) {}
