package org.millrace.pusher;

import java.util.List;
import org.millrace.api.spec.ComponentProvider;
import org.millrace.api.spec.ComponentSpec;

/** Registers the Pusher component. */
public final class PusherComponents implements ComponentProvider {
  @Override
  public List<ComponentSpec<?>> components() {
    return List.of(PusherSpec.SPEC);
  }
}
