package org.millrace.validate.component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.millrace.api.artifact.ExampleStatistics;
import org.millrace.api.artifact.Schema;
import org.millrace.api.data.DataSchema;
import org.millrace.api.format.Anomalies;
import org.millrace.api.format.Anomaly;
import org.millrace.api.format.StatisticsModel;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.validate.component.ValidateComponents;
import org.millrace.validate.validator.ExampleValidatorParams;
import org.millrace.validate.validator.Validator;

/**
 * Validates every split's statistics against the schema, train against eval (skew) and each split
 * against the baseline statistics (drift). Writes {@code anomalies.json}; with anomalies and
 * {@code fail_on_anomalies} it fails, listing every anomaly in the error.
 */
public final class ExampleValidatorExecutor implements Executor<ExampleValidatorParams> {

  @Override
  public ExecutorResult execute(ExecutorInput<ExampleValidatorParams> input, ExecutionContext ctx) throws Exception {
    ExampleValidatorParams p = input.parameters();
    ExampleStatistics stats = input.input(ValidateComponents.STATISTICS_IN);
    Schema schemaArtifact = input.input(ValidateComponents.SCHEMA_IN);
    Optional<ExampleStatistics> baseline = input.optionalInput(ValidateComponents.BASELINE_STATISTICS);
    DataSchema schema = DataSchema.readYaml(schemaArtifact.path().resolve("schema.yaml"));
    // How SchemaGen inferred each bound; none for an imported schema (ImportSchemaGen) or an older artifact.
    Path bounds = schemaArtifact.path().resolve(SchemaGenExecutor.BOUNDS_FILE);
    Map<String, Map<String, String>> provenance = Files.exists(bounds) ? new com.fasterxml.jackson.databind.ObjectMapper()
        .readValue(bounds.toFile(), new com.fasterxml.jackson.core.type.TypeReference<Map<String, Map<String, String>>>() {})
        : Map.of();
    List<String> splits = List.of(stats.stringProperty("split_names").orElse("train,eval").split(","));
    var anomalies = new ArrayList<Anomaly>();
    for (String split : splits) {
      StatisticsModel s = StatisticsModel.read(stats.path(), split);
      anomalies.addAll(Validator.againstSchema(s, schema, "schema " + schemaArtifact.uri(), provenance));
      if (p.drift() != null && baseline.isPresent()) {
        StatisticsModel b = StatisticsModel.read(baseline.get().path(), split);
        anomalies.addAll(Validator.distributions(s, b, p.drift(), Anomaly.Kind.DRIFT,
            "the baseline " + baseline.get().uri()));
      }
    }
    if (p.skew() != null && splits.contains("train") && splits.contains("eval")) {
      anomalies.addAll(Validator.distributions(StatisticsModel.read(stats.path(), "eval"),
          StatisticsModel.read(stats.path(), "train"), p.skew(), Anomaly.Kind.SKEW, "the train split"));
    }
    Path out = input.output(ValidateComponents.ANOMALIES);
    // The baseline's content fingerprint (the launcher's), else its path: see Anomalies#baseline.
    new Anomalies(anomalies, baseline.map(b -> String.valueOf(b.properties().getOrDefault("fingerprint", b.uri())))
        .orElse("")).write(out);
    ctx.log().info("ExampleValidator: {} anomalies{}", anomalies.size(),
        baseline.isEmpty() && p.drift() != null ? " (no baseline statistics yet: drift not checked)" : "");
    if (!anomalies.isEmpty() && p.failOnAnomalies()) {
      var sb = new StringBuilder(anomalies.size() + " data anomalies (set fail_on_anomalies: false to record them"
          + " without failing):");
      anomalies.forEach(a -> sb.append("\n  ").append(a));
      throw new IllegalStateException(sb.toString());
    }
    return ExecutorResult.builder().property(ValidateComponents.ANOMALIES, "anomaly_count", (long) anomalies.size())
        .property(ValidateComponents.ANOMALIES, "drift_checked", baseline.isPresent() && p.drift() != null).build();
  }
}
