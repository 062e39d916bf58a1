package org.millrace.transform;

import java.util.List;
import org.millrace.api.spec.ComponentProvider;
import org.millrace.api.spec.ComponentSpec;

/** Registers the Transform component with the pipelines module (ServiceLoader). */
public final class TransformComponents implements ComponentProvider {
  @Override
  public List<ComponentSpec<?>> components() {
    return List.of(TransformSpec.spec());
  }
}
