package org.millrace.validate.component;

import java.nio.file.Files;
import java.nio.file.Path;
import org.millrace.api.data.DataSchema;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.Executor;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.spec.ParameterException;
import org.millrace.validate.component.ValidateComponents;

/** Validates a curated schema file and publishes it as a Schema artifact. */
public final class ImportSchemaGenExecutor implements Executor<ImportSchemaGenExecutor.Params> {

  /** @param schemaFile the reviewed {@code schema.yaml} to import */
  public record Params(String schemaFile) {
    public Params {
      if (schemaFile == null || schemaFile.isBlank()) {
        throw new ParameterException("schema_file", "schema_file expected a path to a schema YAML, got nothing");
      }
    }
  }

  @Override
  public ExecutorResult execute(ExecutorInput<Params> input, ExecutionContext ctx) throws Exception {
    Path file = Path.of(input.parameters().schemaFile());
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("schema_file expected an existing file, got " + file);
    }
    DataSchema schema = DataSchema.readYaml(file);
    schema.writeYaml(input.output(ValidateComponents.SCHEMA).resolve("schema.yaml"));
    return ExecutorResult.builder().property(ValidateComponents.SCHEMA, "feature_count", (long) schema.size()).build();
  }
}
