package org.millrace.pipelines.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Model;
import org.millrace.api.spec.ComponentProvider;
import org.millrace.api.spec.ComponentSpec;
import org.millrace.api.spec.ExecutorResult;
import org.millrace.api.spec.InputKey;
import org.millrace.api.spec.OutputKey;
import org.millrace.api.spec.ParameterException;

/**
 * Small TEST components (not product features): Produce writes a value, Consume combines its
 * inputs, Flaky fails while a marker file exists (counting
 * its failed attempts in its resume directory), Crash throws after writing its output, Doom dies of an Error.
 */
public final class TestComponents implements ComponentProvider {
  public static final OutputKey<Examples> DATA = OutputKey.of("data", Examples.TYPE);
  public static final InputKey<Examples> IN = InputKey.of("data", Examples.TYPE);
  public static final InputKey<Examples> EXTRA = InputKey.optional("extra", Examples.TYPE);
  public static final OutputKey<Examples> RELAYED = OutputKey.of("relayed", Examples.TYPE);
  public static final OutputKey<Model> RESULT = OutputKey.of("result", Model.TYPE);

  /** Produce parameters. */
  public record ProduceParams(String value, Long sleepMs) {
    public ProduceParams {
      if (value == null) {
        throw new ParameterException("value", "value expected a string, got nothing");
      }
      sleepMs = sleepMs == null ? 0L : sleepMs;
      if (sleepMs < 0) {
        throw new ParameterException("sleep_ms", "sleep_ms expected a non-negative number, got " + sleepMs);
      }
    }
  }

  /** Consume / Flaky / Crash parameters. */
  public record ConsumeParams(String marker) {}

  public static final ComponentSpec<ProduceParams> PRODUCE = ComponentSpec.builder("Produce", ProduceParams.class)
      .output(DATA)
      .executor(() -> (in, ctx) -> {
        Thread.sleep(in.parameters().sleepMs());
        Files.writeString(in.output(DATA).resolve("value.txt"), in.parameters().value());
        return ExecutorResult.builder().property(DATA, "split_names", "").build();
      })
      .build();

  public static final ComponentSpec<ConsumeParams> CONSUME = ComponentSpec.builder("Consume", ConsumeParams.class)
      .input(IN).input(EXTRA).output(RESULT)
      .executor(() -> (in, ctx) -> {
        String value = Files.readString(in.input(IN).path().resolve("value.txt"));
        String extra = in.optionalInput(EXTRA).map(e -> read(e.path())).orElse("");
        Files.writeString(in.output(RESULT).resolve("result.txt"), value + extra);
        return ExecutorResult.builder().property(RESULT, "length", (long) (value + extra).length()).build();
      })
      .build();

  public static final ComponentSpec<ConsumeParams> FLAKY = ComponentSpec.builder("Flaky", ConsumeParams.class)
      .input(IN).output(RESULT)
      .executor(() -> (in, ctx) -> {
        // Failed attempts are counted in the resume directory, which outlives them.
        Path attempts = Files.createDirectories(ctx.resumeDir()).resolve("failed-attempts.txt");
        long earlier = Files.exists(attempts) ? Files.readAllLines(attempts).size() : 0;
        if (Files.exists(Path.of(in.parameters().marker()))) {
          Files.writeString(attempts, "failed\n", java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.APPEND);
          throw new IllegalStateException("flaky failure: marker " + in.parameters().marker() + " exists");
        }
        Files.writeString(in.output(RESULT).resolve("result.txt"), "ok after " + earlier + " failed attempts");
        return ExecutorResult.empty();
      })
      .build();

  public static final ComponentSpec<ConsumeParams> CRASH = ComponentSpec.builder("Crash", ConsumeParams.class)
      .input(IN).output(RESULT)
      .executor(() -> (in, ctx) -> {
        Files.writeString(in.output(RESULT).resolve("half.txt"), "half written");
        throw new IllegalStateException("crashed after writing");
      })
      .build();

  /** Dies of an Error the runner does not survive (a class that failed to initialize, as without --add-opens). */
  public static final ComponentSpec<ConsumeParams> DOOM = ComponentSpec.builder("Doom", ConsumeParams.class)
      .input(IN).output(RESULT)
      .executor(() -> (in, ctx) -> {
        throw new ExceptionInInitializerError(new IllegalStateException("static init failed: start Java with"
            + " --add-opens=java.base/java.nio=ALL-UNNAMED"));
      })
      .build();

  public static final ComponentSpec<ConsumeParams> RELAY = ComponentSpec.builder("Relay", ConsumeParams.class)
      .input(IN).output(RELAYED)
      .executor(() -> (in, ctx) -> {
        Files.copy(in.input(IN).path().resolve("value.txt"), in.output(RELAYED).resolve("value.txt"));
        return ExecutorResult.empty();
      })
      .build();

  /** An artifact type that is not built in, as a team's own component declares one. */
  public record Note(String uri, java.util.Map<String, Object> properties) implements org.millrace.api.artifact.Artifact {
    public static final org.millrace.api.artifact.ArtifactType<Note> TYPE = org.millrace.api.artifact.ArtifactType.of(
        "Note", Note.class, Note::new, "note.txt: a line of text");

    @Override
    public org.millrace.api.artifact.ArtifactType<?> type() {
      return TYPE;
    }
  }

  public static final OutputKey<Note> NOTE = OutputKey.of("note", Note.TYPE);
  public static final InputKey<Note> NOTE_IN = InputKey.of("note", Note.TYPE);

  /** Writes a Note (a custom artifact type) about its data. */
  public static final ComponentSpec<ConsumeParams> ANNOTATE = ComponentSpec.builder("Annotate", ConsumeParams.class)
      .input(IN).output(NOTE)
      .executor(() -> (in, ctx) -> {
        Files.writeString(in.output(NOTE).resolve("note.txt"), "saw " + read(in.input(IN).path()));
        return ExecutorResult.builder().property(NOTE, "words", 2L).build();
      })
      .build();

  /** Reads a Note: the consumer of a custom artifact type. */
  public static final ComponentSpec<ConsumeParams> READ_NOTE = ComponentSpec.builder("ReadNote", ConsumeParams.class)
      .input(NOTE_IN).output(RESULT)
      .executor(() -> (in, ctx) -> {
        Note note = in.input(NOTE_IN);
        String text = Files.readString(note.path().resolve("note.txt"));
        Files.writeString(in.output(RESULT).resolve("result.txt"), text + " (" + note.properties().get("words") + ")");
        return ExecutorResult.empty();
      })
      .build();

  private static String read(Path dir) {
    try {
      return Files.readString(dir.resolve("value.txt"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public List<ComponentSpec<?>> components() {
    return List.of(PRODUCE, CONSUME, FLAKY, CRASH, DOOM, RELAY, ANNOTATE, READ_NOTE);
  }
}
