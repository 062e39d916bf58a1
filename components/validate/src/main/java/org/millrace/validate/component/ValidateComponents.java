package org.millrace.validate.component;

import java.util.List;
import org.millrace.api.artifact.ExampleAnomalies;
import org.millrace.api.artifact.ExampleStatistics;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Schema;
import org.millrace.api.spec.ComponentProvider;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.InputKey;
import org.millrace.api.spec.OutputKey;
import org.millrace.validate.component.ImportSchemaGenExecutor;
import org.millrace.validate.component.SchemaGenExecutor;
import org.millrace.validate.schema.SchemaGenParams;
import org.millrace.validate.component.ExampleValidatorExecutor;
import org.millrace.validate.validator.ExampleValidatorParams;

/** StatisticsGen, SchemaGen, ImportSchemaGen and ExampleValidator. */
public final class ValidateComponents implements ComponentProvider {
  public static final InputKey<Examples> EXAMPLES = InputKey.of("examples", Examples.TYPE);
  public static final OutputKey<ExampleStatistics> STATISTICS = OutputKey.of("statistics", ExampleStatistics.TYPE);
  public static final InputKey<ExampleStatistics> STATISTICS_IN = InputKey.of("statistics", ExampleStatistics.TYPE);
  public static final InputKey<ExampleStatistics> BASELINE_STATISTICS =
      InputKey.optional("baseline_statistics", ExampleStatistics.TYPE);
  public static final OutputKey<Schema> SCHEMA = OutputKey.of("schema", Schema.TYPE);
  public static final InputKey<Schema> SCHEMA_IN = InputKey.of("schema", Schema.TYPE);
  public static final OutputKey<ExampleAnomalies> ANOMALIES = OutputKey.of("anomalies", ExampleAnomalies.TYPE);

  public static final ComponentSpec<StatisticsGenExecutor.Params> STATISTICS_GEN =
      ComponentSpec.builder("StatisticsGen", StatisticsGenExecutor.Params.class).version("2")
          .description("Per split and feature statistics, as Beam combiners over Arrow batches.")
          .input(EXAMPLES).output(STATISTICS).executor(StatisticsGenExecutor::new).build();

  public static final ComponentSpec<SchemaGenParams> SCHEMA_GEN = ComponentSpec.builder("SchemaGen", SchemaGenParams.class).version("3")
      .description("Infers a reviewable schema from statistics.")
      .input(STATISTICS_IN).output(SCHEMA).executor(SchemaGenExecutor::new).build();

  public static final ComponentSpec<ImportSchemaGenExecutor.Params> IMPORT_SCHEMA_GEN =
      ComponentSpec.builder("ImportSchemaGen", ImportSchemaGenExecutor.Params.class)
          .description("Publishes a curated schema file.").output(SCHEMA).executor(ImportSchemaGenExecutor::new).build();

  public static final ComponentSpec<ExampleValidatorParams> EXAMPLE_VALIDATOR =
      ComponentSpec.builder("ExampleValidator", ExampleValidatorParams.class).version("3")
          .description("Anomalies against the schema, drift against a baseline, train/eval skew.")
          .input(STATISTICS_IN).input(SCHEMA_IN).input(BASELINE_STATISTICS).output(ANOMALIES)
          .executor(ExampleValidatorExecutor::new)
          // An anomaly stops the run: nothing downstream of the data trains or publishes on it.
          .gate(ExampleValidatorParams::failOnAnomalies).build();

  @Override
  public List<ComponentSpec<?>> components() {
    return List.of(STATISTICS_GEN, SCHEMA_GEN, IMPORT_SCHEMA_GEN, EXAMPLE_VALIDATOR);
  }
}
