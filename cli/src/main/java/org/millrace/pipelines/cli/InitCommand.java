package org.millrace.pipelines.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.millrace.api.data.FeatureType;
import org.millrace.api.model.Task;
import org.millrace.ingest.csv.Decimals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/**
 * {@code millrace init DATA_FILE --label COLUMN}: reads the file once and writes a complete,
 * commented pipeline for it (ExampleGen, StatisticsGen, SchemaGen, ExampleValidator, Transform with
 * {@code features: auto}, Trainer, Evaluator with a threshold from the data, Pusher) that runs as
 * written.
 */
@Command(name = "init", description = "Write a complete, commented pipeline YAML for a data file (csv, tsv, jsonl,"
    + " json, arrow or parquet; csv and JSON also as .gz), read as ExampleGen reads it:"
    + " every column but the label becomes a feature (features: auto), with a trainer, an evaluator threshold and a"
    + " pusher. Then: millrace run <the file written>.")
final class InitCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A string column with more distinct values than this share of its rows looks like an identifier. */
  static final double IDENTIFIER_SHARE = 0.5;

  @ParentCommand
  MillraceCli cli;

  @Parameters(index = "0", paramLabel = "DATA_FILE", description = "A data file ExampleGen reads: .csv (with a"
      + " header), .tsv, .jsonl/.ndjson, .json (an array of objects), .arrow, .parquet; .csv.gz, .tsv.gz, .jsonl.gz and"
      + " .json.gz through gzip.")
  Path data;

  @Option(names = "--label", description = "The column to predict. Default: a column named label, target, class or y"
      + " (any case), else the last column.")
  String label;

  @Option(names = "--task", description = "classification or regression. Default: classification for a string or"
      + " bool label or an int label with at most 50 values, else regression.")
  String task;

  @Option(names = "--out", description = "The pipeline file to write. Default: <name>-pipeline.yaml in the working"
      + " directory.")
  Path out;

  @Option(names = "--name", description = "The pipeline's name (runs, caches, registry). Default: from the file name.")
  String name;

  @Option(names = "--epochs", converter = Ranges.PositiveCount.class,
      description = "Trainer epochs (early stopping may end sooner). Default: 30 up to 20,000 labelled rows, 10 up to"
          + " 200,000, else 3.")
  Integer epochs;

  @Option(names = "--force", description = "Overwrite the pipeline file if it exists.")
  boolean force;

  @Option(names = "--delimiter", description = "A CSV file's field separator (one character; \\t for tab). Default:"
      + " tab for .tsv, else the one the header and the next line have most of: comma, semicolon, tab or bar.")
  String delimiter;

  /** Whether --label was given (the file's header says so). */
  private boolean labelGiven;

  @Override
  public Integer call() throws Exception {
    boolean labelChosen = label == null;
    labelGiven = !labelChosen;
    if (delimiter != null && !delimiter.equals("\\t") && (delimiter.length() != 1 || delimiter.charAt(0) > 127
        || delimiter.equals("\""))) {
      throw new IllegalArgumentException("--delimiter expected one ASCII character other than '\"' (\\t for tab), got '"
          + delimiter + "'");
    }
    DataProfile profile = DataProfile.read(data, names -> labelChosen ? defaultLabel(names) : label, delimiter);
    if (labelChosen) {
      label = defaultLabel(profile);
    }
    DataProfile.Column lc = profile.column(label);
    if (lc == null) {
      throw new IllegalArgumentException("--label expected one of the columns " + profile.names() + " of " + data
          + ", got '" + label + "'");
    }
    if (profile.columns.size() == 1) {
      // Nothing to learn from: a pipeline whose label is the only column fails at Transform ("every column is
      // the label"); most often the file is separated by another character than the one read with.
      throw new IllegalArgumentException(data + ": expected a column to predict from besides the label, got one"
          + " column, " + JSON.writeValueAsString(label) + " (read with the separator '" + (profile.delimiter
              .equals("\t") ? "\\t" : profile.delimiter) + "': is the file separated by another? --delimiter)");
    }
    if (profile.rows == 0) {
      boolean text = profile.format.startsWith("csv");
      throw new IllegalArgumentException(data + ": expected " + (text ? "data rows after the header" : "records")
          + " ExampleGen can read, got " + (profile.badRows == 0 ? "none" : "none of " + profile.badRows + " ("
              + (profile.badRows == 1 ? "it, " : "the first, ") + profile.firstBad + ")"));
    }
    String pipelineName = name != null ? name : defaultName(data);
    if (!pipelineName.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw new IllegalArgumentException("--name expected letters, digits, '_', '.' or '-', got '" + pipelineName + "'");
    }
    Path target = out != null ? out : Path.of(pipelineName + "-pipeline.yaml");
    if (Files.exists(target) && !force) {
      throw new IllegalArgumentException(target + " exists: expected a new file (--force overwrites it)");
    }
    Task theTask = task != null ? Task.parse(task, "--task") : defaultTask(lc);
    if (theTask == Task.REGRESSION && (lc.type() == FeatureType.STRING || lc.type() == FeatureType.BOOL)) {
      throw new IllegalArgumentException("--task regression expected a numeric label, got " + lc.type().label()
          + " column '" + label + "'. Use --task classification.");
    }
    if (theTask == Task.CLASSIFICATION && lc.moreDistinct) {
      throw new IllegalArgumentException("--task classification expected a label with at most "
          + DataProfile.MAX_DISTINCT + " classes, got more in '" + label + "'. Use --task regression.");
    }
    if (theTask == Task.CLASSIFICATION && lc.distinct() < 2) {
      // The run would fail at the Trainer ("expected at least 2 classes"), after ingesting and transforming.
      throw new IllegalArgumentException(data + ": classification expected at least 2 classes in the label '" + label
          + "', got " + (lc.counts.isEmpty() ? "no value" : "only " + JSON.writeValueAsString(
              lc.counts.keySet().iterator().next())) + " in " + profile.rows + " rows"
          + ". Choose another --label");
    }
    String yaml = yaml(profile, lc, theTask, pipelineName);
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(target, yaml, StandardCharsets.UTF_8);
    var o = cli.out();
    o.printf("init: %s: %d rows%s, %d columns (%s); label '%s' (%s, %s)%n", data, profile.rows + profile.badRows,
        profile.badRows == 0 ? "" : " (" + profile.badRows + (profile.badRows == 1 ? " does" : " do") + " not fit, below)",
        profile.columns.size(), profile.format, label, lc.type().label(), theTask.spelling());
    if (labelChosen) {
      o.printf("init: no --label given: '%s' is the label (%s); --label <column> chooses another%n", label,
          List.of("label", "target", "class", "y").contains(label.strip().toLowerCase(Locale.ROOT)) ? "by its name"
              : "the last column");
    }
    if (lc.missing > 0) {
      o.printf("init: %s no '%s': missing_label: drop leaves them out%n", lc.missing == 1 ? "1 row has"
          : lc.missing + " rows have", label);
    }
    if (profile.inferRows != null) {
      o.printf("init: a column's values change type past ExampleGen's first 1000 rows: infer_sample_rows: %d types"
          + " them from the whole file%n", profile.inferRows);
    }
    if (profile.badRows > 0 && profile.firstBad.contains("expected UTF-8 text")) {
      // Not the data's values but the file's encoding: quarantining the rows with an accent is no fix.
      o.printf("init: warning: the file is not all UTF-8 text (%s): is it in another encoding (Windows-1252,"
          + " Latin-1)? Save it as UTF-8 ('CSV UTF-8' in Excel); until then such rows are set aside%n", profile.firstBad);
    }
    if (profile.badRows > 0) {
      o.printf("init: %s (the first, %s): bad_rows: quarantine sets them aside%s%n",
          badRows(profile), oneLine(profile.firstBad), tooManyBad(profile) ? "; more than a tenth of the rows, which"
          + " fails the run (max_rejected_fraction: 0.1): correct the data or the column's type" : "");
    }
    List<String> commas = decimalCommas(profile);
    if (!commas.isEmpty()) {
      // 1,288 may be one and a quarter or twelve hundred: when every comma has three digits after it, say both.
      boolean thousands = commas.stream().allMatch(c -> profile.column(c).counts.keySet().stream()
          .allMatch(v -> !v.contains(",") || v.strip().matches(".*,\\d{3}")));
      o.printf("init: warning: %s hold numbers written with %s ('%s'): ExampleGen reads them as text, a category"
          + " per value; write them as plain numbers with '.' for decimals%n", JSON.writeValueAsString(commas),
          thousands ? "a comma, a decimal comma or a thousands separator" : "a decimal comma",
          profile.column(commas.get(0)).counts.keySet().stream().filter(v -> v.contains(",")).findFirst().orElseThrow());
    }
    for (var m : profile.markers.entrySet()) {
      // Read as text, the column was one-hot encoded or left out as an identifier; as numbers, the rows bad rows.
      o.printf("init: %s hold %s where a number is missing: null_values reads it as missing%n",
          JSON.writeValueAsString(List.copyOf(m.getValue())), JSON.writeValueAsString(m.getKey()));
    }
    List<String> codes = codes(profile, lc);
    if (!codes.isEmpty()) {
      o.printf("init: %s: whole numbers written with leading zeros ('%s'): codes, read as text (column_types)%n",
          JSON.writeValueAsString(codes), profile.column(codes.get(0)).counts.keySet().stream()
              .filter(v -> LEADING_ZERO.matcher(v).matches()).map(String::strip).sorted().findFirst().orElseThrow());
    }
    // The columns features: auto leaves out, each kind once, as the pipeline's exclude lists them.
    Exclusions ex = exclusions(profile, lc);
    for (var kind : List.of(Map.entry(ex.identifying(), IDENTIFYING_REASON), Map.entry(ex.numbered(), IDENTIFIER_REASON),
        Map.entry(ex.dated(), DATE_REASON), Map.entry(ex.empty(), EMPTY_REASON))) {
      if (!kind.getKey().isEmpty()) {
        o.printf("init: %s: %s; left out (features: exclude)%n", JSON.writeValueAsString(kind.getKey()), kind.getValue());
      }
    }
    List<String> spaced = spaced(profile);
    if (!spaced.isEmpty()) {
      o.printf("init: warning: %s begin or end with spaces (is the file separated by '%s '?): ExampleGen keeps"
          + " them, in the names and in text values, and so must a prediction request%n",
          JSON.writeValueAsString(spaced), profile.delimiter.equals("\t") ? "\\t" : profile.delimiter);
    }
    o.printf("init: wrote %s%n", target);
    o.printf("next: %s run %s%n", launcher(), target);
    return MillraceCli.OK;
  }

  /**
   * The launcher as the user called it ({@code ./millrace} in a checkout, {@code millrace} on the
   * PATH, {@code /opt/millrace/bin/millrace}); {@code millrace} when not run through one.
   */
  static String launcher() {
    String called = System.getenv("MILLRACE_LAUNCHER");
    return called == null || called.isBlank() ? "millrace" : called;
  }

  /** {@code s} as a shell word: as it is when it needs no quoting, else in single quotes. */
  static String shell(String s) {
    return s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  /** A bad row's description on one line of a YAML comment, at most 160 characters. */
  static String oneLine(String s) {
    // YAML breaks lines at \r, \n, U+0085, U+2028 and U+2029 and refuses control characters even in
    // comments: those become '?'; cut at a code point's boundary.
    var sb = new StringBuilder();
    s.codePoints().limit(160).forEach(c -> sb.appendCodePoint(Character.isISOControl(c) || c == 0x2028
        || c == 0x2029 || c == 0xFEFF || (c >= 0xD800 && c <= 0xDFFF) ? '?' : c));
    return s.codePointCount(0, s.length()) <= 160 ? sb.toString() : sb.append("...").toString();
  }

  static String badRows(DataProfile p) {
    return p.badRows == 1 ? "1 row does not fit its columns" : p.badRows + " rows do not fit their columns";
  }

  /** Whether ExampleGen's default max_rejected_fraction (0.1) would fail a run over these rows. */
  static boolean tooManyBad(DataProfile p) {
    return p.badRows > 0.1 * (p.rows + p.badRows);
  }

  static String defaultName(Path data) {
    String f = data.getFileName().toString();
    int dot = f.indexOf('.');
    String stem = (dot > 0 ? f.substring(0, dot) : f).replaceAll("[^A-Za-z0-9_.-]", "-");
    return stem.isEmpty() || !Character.isLetterOrDigit(stem.charAt(0)) ? "data" + stem : stem;
  }

  /** A column named label, target, class or y (in that order, any case), else the last column. */
  static String defaultLabel(DataProfile p) {
    return defaultLabel(p.names());
  }

  /** As {@link #defaultLabel(DataProfile)}, from the column names alone. */
  static String defaultLabel(List<String> names) {
    for (String wanted : List.of("label", "target", "class", "y")) {
      for (String name : names) {
        if (name.strip().equalsIgnoreCase(wanted)) {
          return name;
        }
      }
    }
    return names.get(names.size() - 1);
  }

  /** Epochs for {@code labelled} rows unless --epochs says: fewer passes over more data. */
  static int defaultEpochs(long labelled) {
    return labelled <= 20_000 ? 30 : labelled <= 200_000 ? 10 : 3;
  }

  /** Rows per step for {@code labelled} rows: larger batches on larger data keep an epoch's steps bounded. */
  static int batchSize(long labelled) {
    return labelled <= 20_000 ? 32 : labelled <= 200_000 ? 128 : 512;
  }

  static Task defaultTask(DataProfile.Column lc) {
    if (lc.type() == FeatureType.STRING || lc.type() == FeatureType.BOOL) {
      return Task.CLASSIFICATION;
    }
    return lc.type() == FeatureType.INT && lc.distinct() <= 50 ? Task.CLASSIFICATION : Task.REGRESSION;
  }

  /** The pipeline text. */
  String yaml(DataProfile p, DataProfile.Column lc, Task theTask, String pipelineName) throws JsonProcessingException {
    boolean classification = theTask == Task.CLASSIFICATION;
    long labelled = p.rows - lc.missing;
    var sb = new StringBuilder();
    sb.append("# Written by `millrace init ").append(shell(oneLine(data.toString())))
        .append(labelGiven ? " --label " + shell(oneLine(label)) : "").append("` from ")
        .append(p.rows).append(" rows and ").append(p.columns.size()).append(" columns (").append(p.format)
        .append(").\n");
    sb.append("# It runs as written: ").append(launcher()).append(" run <this file>. Every node and parameter:"
        + " docs/pipelines.md.\n");
    sb.append("# Paths are relative to the directory millrace runs from (the data file's is absolute).\n");
    sb.append("pipeline: ").append(pipelineName).append('\n');
    sb.append("pipeline_root: .millrace/pipelines/").append(pipelineName).append('\n');
    sb.append("nodes:\n");
    sb.append("  ingest:                       # reads the file; rows are hashed into a train and an eval split (2:1)\n");
    sb.append("    component: ExampleGen\n");
    sb.append("    parameters:\n");
    sb.append("      input: ").append(JSON.writeValueAsString(data.toAbsolutePath().normalize().toString())).append('\n');
    if (!p.delimiter.equals(",")) {
      String why = delimiter != null ? "--delimiter" : p.format.startsWith("csv (tab)") && data.toString()
          .toLowerCase(Locale.ROOT).matches(".*\\.tsv(\\.gz)?") ? "a .tsv file" : "the separator of the header line";
      sb.append(String.format(Locale.ROOT, "      %-30s# %s%n", "delimiter: " + JSON.writeValueAsString(p.delimiter),
          why));
    }
    if (p.nullValues != null) {
      sb.append(String.format(Locale.ROOT, "      %-29s # %s%n", "null_values: " + JSON.writeValueAsString(p.nullValues)
          .replace("\",\"", "\", \""), "missing values: ExampleGen's (\"\", NA, null) and what this file writes"
          + " where a number is missing"));
    }
    if (p.inferRows != null) {
      sb.append(String.format(Locale.ROOT, "      %-30s# %s%n", "infer_sample_rows: " + p.inferRows,
          "types from every row: past the first 1000 a column's values change type"));
    }
    List<String> codes = codes(p, lc);
    if (!codes.isEmpty()) {
      var types = new ArrayList<String>();
      for (String c : codes) {
        types.add(JSON.writeValueAsString(c) + ": string");
      }
      sb.append(String.format(Locale.ROOT, "      %-29s # %s%n", "column_types: {" + String.join(", ", types) + "}",
          "whole numbers written with leading zeros: codes, read as text (as numbers 02134 would be 2134)"));
    }
    sb.append("      split_ratios: {train: 2, eval: 1}\n");
    sb.append("      label: ").append(JSON.writeValueAsString(label)).append('\n');
    if (lc.missing > 0) {
      sb.append("      missing_label: drop           # ").append(lc.missing).append(" of ").append(p.rows)
          .append(" rows have no label: left out, counted (fail | drop | quarantine)\n");
    } else {
      sb.append("      missing_label: fail           # every row has a label; a later file without one fails naming"
          + " file and line (or: drop | quarantine)\n");
    }
    if (p.badRows > 0) {
      sb.append("      bad_rows: quarantine          # ").append(badRows(p)).append(" (the first, ")
          .append(oneLine(p.firstBad)).append("): set aside in quarantine/rejected.jsonl, counted (or: fail)\n");
    } else {
      sb.append("      bad_rows: fail                # a value that does not fit its column fails naming file, line and"
          + " column (or: quarantine)\n");
    }
    sb.append("  statistics:                   # per split: counts, missing values, distributions\n");
    sb.append("    component: StatisticsGen\n");
    sb.append("    inputs: {examples: ingest.examples}\n");
    sb.append("  schema:                       # types, presence and domains inferred from the train split\n");
    sb.append("    component: SchemaGen\n");
    sb.append("    inputs: {statistics: statistics.statistics}\n");
    sb.append("  validator:                    # checks every split against the schema, and drift against the last run\n");
    sb.append("    component: ExampleValidator\n");
    sb.append("    inputs:\n");
    sb.append("      statistics: statistics.statistics\n");
    sb.append("      schema: schema.schema\n");
    sb.append("      baseline_statistics: {from: statistics.statistics, resolver: previous}\n");
    sb.append("    parameters:\n");
    sb.append("      fail_on_anomalies: true       # an anomaly stops the run before training (false: record and go on)\n");
    sb.append("  transform:                    # features fitted on the train split, applied identically everywhere\n");
    sb.append("    component: Transform\n");
    sb.append("    inputs: {examples: ingest.examples, schema: schema.schema}\n");
    sb.append("    parameters:\n");
    sb.append("      label: {feature: ").append(JSON.writeValueAsString(label)).append(", task: ").append(theTask.spelling());
    if (classification) {
      sb.append(", classes: ").append(classes(lc)).append("}\n");
      sb.append("      # classes: every class in the file, so that one too rare to land in the train split is still"
          + " a class\n");
    } else {
      sb.append("}\n");
    }
    sb.append("      features:\n");
    sb.append("        auto: true                  # every other column: numbers fill_missing mean + zscore, text"
        + " vocabulary + one_hot\n");
    Exclusions ex = exclusions(p, lc);
    boolean nan = p.columns.stream().anyMatch(c -> c != lc && c.type() == FeatureType.FLOAT
        && c.counts.keySet().stream().anyMatch(InitCommand::notFinite));
    if (!ex.all().isEmpty()) {
      var why = new ArrayList<String>();
      boolean several = ex.kinds() > 1;
      if (!ex.identifying().isEmpty()) {
        why.add((several ? JSON.writeValueAsString(ex.identifying()) + ": " : "") + IDENTIFYING_REASON);
      }
      if (!ex.numbered().isEmpty()) {
        why.add((several ? JSON.writeValueAsString(ex.numbered()) + ": " : "") + IDENTIFIER_REASON);
      }
      if (!ex.dated().isEmpty()) {
        why.add((several ? JSON.writeValueAsString(ex.dated()) + ": " : "") + DATE_REASON);
      }
      if (!ex.empty().isEmpty()) {
        why.add(JSON.writeValueAsString(ex.empty()) + ": " + EMPTY_REASON);
      }
      sb.append("        exclude: ").append(JSON.writeValueAsString(ex.all())).append("   # ").append(String.join("; ", why))
          .append('\n');
    }
    if (nan) {
      sb.append("      nan_policy: missing            # NaN or infinite numbers in the file count as missing values"
          + " (error: fail on them)\n");
    }
    sb.append("        # overrides: [{feature: <column>, ops: [...]}, {columns: \"prefix*\", ops: [...]}]  (docs/pipelines.md)\n");
    sb.append("  trainer:                      # a dense network on the transformed features\n");
    sb.append("    component: Trainer\n");
    sb.append("    inputs:\n");
    sb.append("      examples: transform.transformed_examples\n");
    sb.append("      transform_graph: transform.transform_graph\n");
    sb.append("    parameters:\n");
    sb.append("      hidden_layers: [{units: 64, activation: relu}, {units: 32, activation: relu}]\n");
    sb.append("      optimizer: {type: adam, learning_rate: 0.005}\n");
    int theEpochs = epochs != null ? epochs : defaultEpochs(labelled);
    sb.append(String.format(Locale.ROOT, "      %-30s# %s%n", "epochs: " + theEpochs, epochs != null ? "--epochs"
        : "for " + labelled + " labelled rows: 30 up to 20,000, 10 up to 200,000, else 3"));
    sb.append(String.format(Locale.ROOT, "      %-30s# %s%n", "batch_size: " + batchSize(labelled),
        "32 up to 20,000 rows, 128 up to 200,000, else 512: an epoch's steps stay bounded"));
    sb.append("      seed: 42\n");
    sb.append("      early_stopping: {patience: 5}   # stops when the eval loss has not improved for 5 epochs\n");
    sb.append("  evaluator:                    # metrics on the eval split; blesses the model if the checks pass\n");
    sb.append("    component: Evaluator\n");
    sb.append("    inputs:\n");
    sb.append("      examples: ingest.examples\n");
    sb.append("      model: trainer.model\n");
    sb.append("      baseline_model: {from: trainer.model, resolver: latest_blessed}\n");
    sb.append("    parameters:\n");
    sb.append("      thresholds:\n");
    if (classification) {
      Map<String, Long> counts = lc.counts;
      if (lc.type() == FeatureType.BOOL) { // True and true are one class
        counts = new java.util.HashMap<>();
        for (var e : lc.counts.entrySet()) {
          counts.merge(e.getKey().strip().toLowerCase(Locale.ROOT), e.getValue(), Long::sum);
        }
      }
      var top = counts.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
          .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).orElseThrow();
      double majority = (double) top.getValue() / Math.max(1, labelled);
      double lower = Math.floor((majority + 0.25 * (1 - majority)) * 100) / 100;
      sb.append(String.format(Locale.ROOT, "        - {metric: accuracy, lower: %.2f}   # always predicting '%s' scores"
          + " %.2f: this asks for a quarter of the way from there to 1%n", lower, top.getKey().replace("\n", " "),
          majority));
      sb.append("        - {metric: accuracy, change_absolute: -0.02, higher_is_better: true}   # at most 0.02 worse"
          + " than the model in production\n");
    } else {
      sb.append("        - {metric: r2, lower: 0.0}      # no worse than predicting the mean label (r2 0); raise it once you know"
          + " what this data allows\n");
      sb.append("        - {metric: rmse, change_relative: -0.05, higher_is_better: false}   # at most 5% worse than"
          + " the model in production\n");
    }
    sb.append("      first_run: bless_if_no_baseline   # the first model has nothing to compare with\n");
    sb.append("  pusher:                       # publishes a blessed model as the next version in the registry\n");
    sb.append("    component: Pusher\n");
    sb.append("    inputs: {model: trainer.model, blessing: evaluator.blessing}\n");
    sb.append("    parameters: {base_dir: .millrace/registry, model_name: ").append(pipelineName).append("}\n");
    return sb.toString();
  }

  static final String IDENTIFYING_REASON = "nearly one value per row (or over " + DataProfile.MAX_DISTINCT
      + " values): an identifier or a date, not a feature";

  static final String EMPTY_REASON = "no value in any row";

  /**
   * The columns other than the label that {@code features: auto} leaves out, each in one list, in
   * the order the pipeline's {@code exclude} and init's console name them: text (or codes) with
   * nearly one value per row, whole numbers identifying rows, dates, and columns without a value.
   */
  record Exclusions(List<String> identifying, List<String> numbered, List<String> dated, List<String> empty) {
    List<String> all() {
      var all = new ArrayList<>(identifying);
      all.addAll(numbered);
      all.addAll(dated);
      all.addAll(empty);
      return all;
    }

    /** How many of the four lists name a column. */
    long kinds() {
      return java.util.stream.Stream.of(identifying, numbered, dated, empty).filter(l -> !l.isEmpty()).count();
    }
  }

  static Exclusions exclusions(DataProfile p, DataProfile.Column lc) {
    List<String> codes = codes(p, lc);
    var identifying = new ArrayList<String>();
    var empty = new ArrayList<String>();
    for (DataProfile.Column c : p.columns) {
      if (c == lc) {
        continue;
      }
      if (c.counts.isEmpty() && !c.moreDistinct) {
        empty.add(c.name()); // nothing to fit a feature on: Transform fails on it
      } else if ((c.type() == FeatureType.STRING || codes.contains(c.name())) && (c.moreDistinct
          || c.distinct() > IDENTIFIER_SHARE * Math.max(1, p.rows - c.missing) && c.distinct() > 20)) {
        identifying.add(c.name());
      }
    }
    List<String> dated = dates(p, lc);
    dated.removeAll(identifying);
    return new Exclusions(List.copyOf(identifying), List.copyOf(identifiers(p, lc)), List.copyOf(dated),
        List.copyOf(empty));
  }

  static final String DATE_REASON = "dates: one-hot, a model learns the days it saw, and a later day is none of"
      + " them (derive features from it with an override if it matters)";

  private static final java.util.regex.Pattern DATE = java.util.regex.Pattern.compile(
      "\\s*(\\d{4}-\\d{1,2}-\\d{1,2}([ T]\\d{1,2}:\\d{2}(:\\d{2}([.,]\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?"
          + "|\\d{4}/\\d{1,2}/\\d{1,2}|\\d{1,2}/\\d{1,2}/\\d{2,4}|\\d{1,2}\\.\\d{1,2}\\.\\d{4})"
          + "([ T]\\d{1,2}:\\d{2}(:\\d{2})?)?\\s*");

  /**
   * Text columns other than the label whose every value is a date or a time stamp (2026-12-07,
   * 2026-12-07T08:15:00Z, 12/07/2026, 07.12.2026; Parquet's dates are read as ISO text): features:
   * auto one-hot encoded the days (an audit: 336 dates of a 2M-row file), which a later day never
   * matches. Left out; a column of nearly one date per row is left out as an identifier already.
   */
  static List<String> dates(DataProfile p, DataProfile.Column lc) {
    var out = new ArrayList<String>();
    for (DataProfile.Column c : p.columns) {
      if (c != lc && c.type() == FeatureType.STRING && !c.counts.isEmpty()
          && c.counts.keySet().stream().allMatch(v -> DATE.matcher(v).matches())) {
        out.add(c.name());
      }
    }
    return out;
  }

  private static final java.util.regex.Pattern LEADING_ZERO = java.util.regex.Pattern.compile("\\s*0\\d+\\s*");

  /**
   * Whole-number columns other than the label written as codes: some value with a leading zero
   * ({@code 02134}) and every value of one width, as zip codes, county codes or product numbers are.
   * Read as numbers they lose their zeros (02134 became 2134, and a request with "02134" as text
   * failed); init reads them as text ({@code column_types}).
   */
  static List<String> codes(DataProfile p, DataProfile.Column lc) {
    var out = new ArrayList<String>();
    for (DataProfile.Column c : p.columns) {
      if (c != lc && c.type() == FeatureType.INT && !c.counts.isEmpty()
          && c.counts.keySet().stream().anyMatch(v -> LEADING_ZERO.matcher(v).matches())
          && c.counts.keySet().stream().map(v -> v.strip().length()).distinct().count() == 1) {
        out.add(c.name());
      }
    }
    return out;
  }

  static final String IDENTIFIER_REASON = "a different whole number in every row, named or numbered like an"
      + " identifier: a row's number, not a feature";

  /** {@code id}, {@code customer_id}, {@code Row No}, {@code Unnamed: 0} (pandas's index), any case. */
  private static final java.util.regex.Pattern IDENTIFIER_NAME = java.util.regex.Pattern.compile(
      "(?i)id|ids|idx|index|key|row|rownum|row[ _.-]?(id|no|nr|num|number)|unnamed: ?0|.+[ _.-](id|key|no|nr)");
  /** {@code customerId}, {@code orderID}: camel case, so that {@code paid} or {@code humid} are not. */
  private static final java.util.regex.Pattern CAMEL_IDENTIFIER = java.util.regex.Pattern.compile(
      ".*[a-z](Id|ID|Key|No|Nr)");

  /**
   * Whole-number columns other than the label that identify rows: every value different, and named
   * as an identifier ({@code id}, {@code customer_id}, {@code orderId}, {@code Unnamed: 0}, pandas's
   * index) or numbering the rows (each whole number from 0 or 1 up once, over more than 20 rows).
   * {@code features: auto} took them as numeric features (an audit: an order id, z-scored, beside
   * the measurements).
   */
  static List<String> identifiers(DataProfile p, DataProfile.Column lc) {
    var out = new ArrayList<String>();
    List<String> codes = codes(p, lc);
    for (DataProfile.Column c : p.columns) {
      long present = p.rows - c.missing;
      if (c == lc || c.type() != FeatureType.INT || present < 2 || c.counts.values().stream().anyMatch(n -> n > 1)
          || codes.contains(c.name())
          || !c.moreDistinct && c.counts.size() != present) {
        continue;
      }
      String name = c.name().strip();
      boolean named = IDENTIFIER_NAME.matcher(name).matches() || CAMEL_IDENTIFIER.matcher(name).matches();
      boolean numbering = false;
      if (!c.moreDistinct && present > 20) {
        try {
          long min = Long.MAX_VALUE;
          long max = Long.MIN_VALUE;
          for (String v : c.counts.keySet()) {
            long x = Long.parseLong(v.strip());
            min = Math.min(min, x);
            max = Math.max(max, x);
          }
          // Rows numbered from 0 or 1 (a year per row, 1990 to 2020, is a feature).
          numbering = (min == 0 || min == 1) && max - min == present - 1;
        } catch (NumberFormatException e) {
          numbering = false; // a whole number ExampleGen reads and Long does not: not a row's number
        }
      }
      if (named || numbering) {
        out.add(c.name());
      }
    }
    return out;
  }

  /**
   * Column names, and text columns whose every value, with spaces around them ({@code "x, y"} read
   * with a comma: {@code " y"}): numbers are read with their spaces trimmed, names and text are not,
   * so a request that sends {@code "y": "red"} for a column {@code " y"} of values {@code " red"} is
   * answered as if the column were missing (an audit's silently wrong prediction).
   */
  static List<String> spaced(DataProfile p) {
    var out = new ArrayList<String>();
    for (DataProfile.Column c : p.columns) {
      boolean name = !c.name().equals(c.name().strip());
      boolean values = c.type() == FeatureType.STRING && !c.counts.isEmpty()
          && c.counts.keySet().stream().allMatch(v -> !v.equals(v.strip()));
      if (name || values) {
        out.add(name ? c.name() : c.name() + " (its values)");
      }
    }
    return out;
  }

  private static final java.util.regex.Pattern DECIMAL_COMMA = java.util.regex.Pattern.compile(
      "\\s*[-+]?\\d+(,\\d+)?\\s*");

  /**
   * Text columns whose every value is a number written with a decimal comma ({@code 1,288}; at
   * least one with a comma): a spreadsheet's export in a locale that writes decimals so, read as
   * categories (an audit: two numeric features became 300-value vocabularies, without a word).
   */
  static List<String> decimalCommas(DataProfile p) {
    var out = new ArrayList<String>();
    for (DataProfile.Column c : p.columns) {
      if (c.type() == FeatureType.STRING && !c.counts.isEmpty()
          && c.counts.keySet().stream().allMatch(v -> DECIMAL_COMMA.matcher(v).matches())
          && c.counts.keySet().stream().anyMatch(v -> v.indexOf(',') >= 0)) {
        out.add(c.name());
      }
    }
    return out;
  }

  /** Whether a float column's value is NaN or infinite (as ExampleGen reads it). */
  static boolean notFinite(String v) {
    try {
      return !Double.isFinite(Decimals.parseDouble(v.trim()));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The label's classes as YAML: numbers in numeric order for a numeric label, else strings in sorted order. */
  static String classes(DataProfile.Column lc) throws JsonProcessingException {
    var values = new ArrayList<>(lc.counts.keySet());
    if (lc.type() == FeatureType.INT || lc.type() == FeatureType.FLOAT) {
      values.sort(Comparator.comparingDouble(v -> Decimals.parseDouble(v.trim())));
      var out = new ArrayList<String>();
      for (String v : values) {
        out.add(lc.type() == FeatureType.INT ? Long.toString(Long.parseLong(v.trim()))
            : Double.toString(Decimals.parseDouble(v.trim())));
      }
      return "[" + String.join(", ", out) + "]";
    }
    if (lc.type() == FeatureType.BOOL) {
      // Read as a bool, True, TRUE and true are one value, which Transform names 'true' (pandas writes True,
      // Excel TRUE: classes ["False", "True"] failed the run at Transform).
      return "[\"false\", \"true\"]";
    }
    values.sort(String::compareTo);
    return JSON.writeValueAsString(values).replace("\",\"", "\", \"");
  }
}
