package org.millrace.validate.component;

import org.millrace.api.artifact.ExampleStatistics;
import org.millrace.api.data.DataSchema;
import org.millrace.api.format.StatisticsModel;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.validate.component.ValidateComponents;
import org.millrace.validate.schema.SchemaGenParams;
import org.millrace.validate.schema.SchemaInferrer;

/** Infers {@code schema.yaml} from the statistics of one split, and {@code bounds.json}: how each bound was inferred. */
public final class SchemaGenExecutor implements Executor<SchemaGenParams> {
  /** Beside {@code schema.yaml}: per feature and bound, how SchemaGen inferred it (SchemaInferrer.provenance). */
  public static final String BOUNDS_FILE = "bounds.json";

  @Override
  public ExecutorResult execute(ExecutorInput<SchemaGenParams> input, ExecutionContext ctx) {
    ExampleStatistics stats = input.input(ValidateComponents.STATISTICS_IN);
    StatisticsModel model = StatisticsModel.read(stats.path(), input.parameters().split());
    // The other splits' values join the string domains (SchemaInferrer.domain), in the splits' order.
    var others = new java.util.ArrayList<StatisticsModel>();
    try (var dirs = java.nio.file.Files.list(stats.path())) {
      for (String split : dirs.map(d -> d.getFileName().toString()).filter(n -> n.startsWith("Split-"))
          .map(n -> n.substring("Split-".length())).sorted().toList()) {
        if (!split.equals(model.split())
            && java.nio.file.Files.exists(StatisticsModel.file(stats.path(), split))) {
          others.add(StatisticsModel.read(stats.path(), split));
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("listing the splits of " + stats.path(), e);
    }
    DataSchema schema = SchemaInferrer.infer(model, others, input.parameters());
    schema.writeYaml(input.output(ValidateComponents.SCHEMA).resolve("schema.yaml"));
    // How each bound was inferred, for ExampleValidator's anomalies (sorted keys: the same bytes for the same input).
    try {
      java.nio.file.Files.writeString(input.output(ValidateComponents.SCHEMA).resolve(BOUNDS_FILE),
          new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
              .writeValueAsString(SchemaInferrer.provenance(model, others, input.parameters())));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return ExecutorResult.builder().property(ValidateComponents.SCHEMA, "feature_count", (long) schema.size()).build();
  }
}
