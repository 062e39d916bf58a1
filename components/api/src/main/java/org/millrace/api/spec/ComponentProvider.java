package org.millrace.api.spec;

import java.util.List;

/**
 * Registers components with the pipelines module through {@link java.util.ServiceLoader}: each
 * component module lists its provider in
 * {@code META-INF/services/org.millrace.api.spec.ComponentProvider}.
 */
public interface ComponentProvider {

  /** The components this module offers; type names must be unique across all providers. */
  List<ComponentSpec<?>> components();
}
