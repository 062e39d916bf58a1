package org.millrace.metadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Which artifacts to list: any combination of type, uri, state, context and property filters,
 * ordered by id, one page at a time.
 */
public record ArtifactQuery(String type, String uri, ArtifactState state, Long contextId,
    List<PropertyFilter> filters, boolean newestFirst, int limit, int offset) {

  public ArtifactQuery {
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

  /** Builds an {@link ArtifactQuery}; by default every artifact, oldest first, 1000 per page. */
  public static final class Builder {
    private String type;
    private String uri;
    private ArtifactState state;
    private Long contextId;
    private final List<PropertyFilter> filters = new ArrayList<>();
    private boolean newestFirst;
    private int limit = 1000;
    private int offset;

    public Builder type(String value) {
      type = value;
      return this;
    }

    public Builder uri(String value) {
      uri = value;
      return this;
    }

    public Builder state(ArtifactState value) {
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

    public ArtifactQuery build() {
      return new ArtifactQuery(type, uri, state, contextId, filters, newestFirst, limit, offset);
    }
  }
}
