package org.millrace.pipelines.spec;

/** An input wired to a producer node's output, resolved as {@code resolver} says. */
public record ChannelRef(String node, String output, Resolver resolver) {

  public ChannelRef {
    resolver = resolver == null ? Resolver.NONE : resolver;
  }

  /** Whether the input depends on the producer in this run (and so orders the nodes). */
  public boolean sameRun() {
    return resolver == Resolver.NONE;
  }

  @Override
  public String toString() {
    return node + "." + output + (resolver == Resolver.NONE ? "" : " (" + resolver.label() + ")");
  }
}
