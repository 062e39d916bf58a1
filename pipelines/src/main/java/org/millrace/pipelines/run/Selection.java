package org.millrace.pipelines.run;

import java.util.LinkedHashSet;
import java.util.Set;
import org.millrace.pipelines.spec.PipelineSpec;

/** Which nodes a run executes: all, {@code --from} a node on, {@code --to} a node, or {@code --only} one. */
public record Selection(String from, String to, String only) {
  public static final Selection ALL = new Selection(null, null, null);

  public Selection {
    if (only != null && (from != null || to != null)) {
      throw new IllegalArgumentException("--only expected alone, got it with --from/--to");
    }
  }

  public Set<String> nodes(PipelineSpec spec) {
    String[] given = {from, to, only};
    String[] options = {"--from", "--to", "--only"};
    for (int i = 0; i < given.length; i++) {
      if (given[i] != null && spec.node(given[i]).isEmpty()) {
        throw new IllegalArgumentException(options[i] + " expected a node of pipeline '" + spec.name() + "' "
            + spec.nodeIds() + ", got '" + given[i] + "'");
      }
    }
    if (only != null) {
      return Set.of(only);
    }
    Set<String> out = new LinkedHashSet<>(spec.nodeIds());
    if (from != null) {
      out.retainAll(spec.downstreamOf(from));
    }
    if (to != null) {
      out.retainAll(spec.upstreamOf(to));
    }
    return out;
  }
}
