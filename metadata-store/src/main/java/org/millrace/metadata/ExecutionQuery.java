package org.millrace.metadata;

import java.util.ArrayList;
import java.util.List;

/** Which executions to list: type, state, context, property filters; ordered by id; paged. */
public record ExecutionQuery(String type, ExecutionState state, Long contextId,
    List<PropertyFilter> filters, boolean newestFirst, int limit, int offset) {

  public ExecutionQuery {
    filters = List.copyOf(filters);
    if (limit <= 0) {
      throw new IllegalArgumentException("query limit expected a positive number, got " + limit);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("query offset expected a non-negative number, got " + offset);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link ExecutionQuery}; by default every execution, oldest first, 1000 per page. */
  public static final class Builder {
    private String type;
    private ExecutionState state;
    private Long contextId;
    private final List<PropertyFilter> filters = new ArrayList<>();
    private boolean newestFirst;
    private int limit = 1000;
    private int offset;

    public Builder type(String value) {
      type = value;
      return this;
    }

    public Builder state(ExecutionState value) {
      state = value;
      return this;
    }

    public Builder context(long value) {
      contextId = value;
      return this;
    }

    public Builder where(PropertyFilter filter) {
      filters.add(filter);
      return this;
    }

    public Builder newestFirst() {
      newestFirst = true;
      return this;
    }

    public Builder limit(int value) {
      limit = value;
      return this;
    }

    public Builder offset(int value) {
      offset = value;
      return this;
    }

    public ExecutionQuery build() {
      return new ExecutionQuery(type, state, contextId, filters, newestFirst, limit, offset);
    }
  }
}
