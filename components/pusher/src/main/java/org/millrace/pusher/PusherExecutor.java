package org.millrace.pusher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.millrace.api.artifact.Blessing;
import org.millrace.api.artifact.Model;
import org.millrace.api.artifact.ModelBlessing;
import org.millrace.api.registry.RegistryEntry;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;

/** Pushes a blessed model to the registry; records a refusal (pushed=0 with the reason) otherwise. */
public final class PusherExecutor implements Executor<PusherParams> {

  @Override
  public ExecutorResult execute(ExecutorInput<PusherParams> input, ExecutionContext context) {
    PusherParams params = input.parameters();
    Model model = input.input(PusherSpec.MODEL);
    ModelBlessing blessing = input.input(PusherSpec.BLESSING);
    Path out = input.output(PusherSpec.PUSHED_MODEL);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("model", model.uri());
    record.put("blessing", blessing.uri());
    var result = ExecutorResult.builder();
    // blessing.json, read once: the decision and the failed checks are in it (a ModelBlessing from
    // elsewhere may carry the blessed property alone).
    Blessing file = Files.exists(blessing.path().resolve(Blessing.FILE)) ? Blessing.read(blessing.path()) : null;
    boolean blessed = blessing.longProperty(ModelBlessing.BLESSED).isPresent() ? blessing.blessed()
        : file != null && file.blessed();
    if (!blessed) {
      String reason = "model not blessed: " + failedChecks(file, blessing.uri());
      context.log().warn("{}: not pushing {}: {}", context.nodeId(), model.uri(), reason);
      record.put("pushed", false);
      record.put("reason", reason);
      write(out, record);
      return result.property(PusherSpec.PUSHED_MODEL, "pushed", 0L)
          .property(PusherSpec.PUSHED_MODEL, "reason", reason).build();
    }
    String decision = file == null ? null : file.decision();
    String reason = "blessed by " + (decision == null ? "evaluator" : decision) + " (" + blessing.uri() + ")";
    java.time.Instant evaluatedAt = evaluatedAt(file, blessing.path());
    RegistryEntry e;
    var registry = new ModelRegistry(Path.of(params.baseDir()));
    try {
      java.util.Set<Integer> before = new java.util.HashSet<>();
      registry.list(params.modelName()).forEach(v -> before.add(v.version()));
      e = registry.push(params.modelName(), model.path(), model.uri(), reason, evaluatedAt);
      if (before.contains(e.version())) {
        // The served version has these files already (a run again, all else cached; a retried Pusher): nothing
        // is published, and the record says so rather than that version e was pushed again by this blessing.
        String served = "version " + e.version() + " of " + params.modelName() + " already serves these files"
            + " (published " + e.pushedAt() + "): not published again";
        context.log().info("{}: {}", context.nodeId(), served);
        record.put("pushed", false);
        record.put("version", e.version());
        record.put("reason", served);
        write(out, record);
        return result.property(PusherSpec.PUSHED_MODEL, "pushed", 0L)
            .property(PusherSpec.PUSHED_MODEL, "served_version", (long) e.version())
            .property(PusherSpec.PUSHED_MODEL, "reason", served).build();
      }
    } catch (ModelRegistry.Refused refused) {
      context.log().warn("{}: {}", context.nodeId(), refused.getMessage());
      record.put("pushed", false);
      record.put("reason", refused.getMessage());
      write(out, record);
      return result.property(PusherSpec.PUSHED_MODEL, "pushed", 0L)
          .property(PusherSpec.PUSHED_MODEL, "reason", refused.getMessage()).build();
    }
    // Absolute: a rollback finds the version it serves again by this path, from any working directory.
    Path versionDir = Path.of(params.baseDir(), params.modelName(), Integer.toString(e.version())).toAbsolutePath()
        .normalize();
    record.put("pushed", true);
    record.put("version", e.version());
    record.put("destination", versionDir.toString());
    record.put("fingerprint", e.fingerprint());
    record.put("reason", reason);
    write(out, record);
    return result.property(PusherSpec.PUSHED_MODEL, "pushed", 1L)
        .property(PusherSpec.PUSHED_MODEL, "pushed_version", (long) e.version())
        .property(PusherSpec.PUSHED_MODEL, "pushed_destination", versionDir.toString())
        .property(PusherSpec.PUSHED_MODEL, "model_name", params.modelName())
        // The registry's fingerprint of the version's files (the launcher's "fingerprint" is this artifact's own).
        .property(PusherSpec.PUSHED_MODEL, "registry_fingerprint", e.fingerprint())
        .property(PusherSpec.PUSHED_MODEL, "reason", reason).build();
  }

  /**
   * When the model was evaluated: a manual blessing's decision time, else the time the Evaluator
   * wrote its {@code blessing.json} (its file carries no time, so that its bytes depend on the
   * inputs alone; a cached Evaluator's blessing keeps the time of the evaluation that made it);
   * null when neither can be read.
   */
  static java.time.Instant evaluatedAt(Blessing file, Path blessingDir) {
    if (file == null) {
      return null;
    }
    if (file.decidedAt() != null) {
      try {
        return java.time.Instant.parse(file.decidedAt());
      } catch (java.time.format.DateTimeParseException unreadable) {
        return null;
      }
    }
    try {
      return Files.getLastModifiedTime(blessingDir.resolve(Blessing.FILE)).toInstant();
    } catch (IOException unreadable) {
      return null;
    }
  }

  private static String failedChecks(Blessing file, String uri) {
    if (file == null) {
      return "blessed=0 (no " + Blessing.FILE + " in " + uri + ")";
    }
    List<String> failed = new ArrayList<>();
    for (Blessing.Check c : file.failedChecks()) {
      failed.add(c.metric() + "@" + c.slice() + " " + c.kind() + ": " + c.message());
    }
    return failed.isEmpty() ? "blessed=0" : String.join("; ", failed);
  }

  private static void write(Path out, Map<String, Object> record) {
    try {
      Files.createDirectories(out);
      org.millrace.api.io.AtomicFiles.write(out.resolve("pushed_model.json"), ModelRegistry.MAPPER.writeValueAsBytes(record));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write pushed_model.json into " + out, e);
    }
  }
}
