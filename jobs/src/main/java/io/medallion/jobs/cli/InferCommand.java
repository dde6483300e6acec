package io.medallion.jobs.cli;

import io.medallion.config.SparkProfile;
import io.medallion.config.SparkSpec;
import io.medallion.jobs.bronze.source.SpecInference;
import io.medallion.run.ExitCode;
import io.medallion.spark.SparkSessions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medallion infer}: a pipeline spec for a folder of CSV or JSON files, from a sample of them. */
@Command(name = "infer", mixinStandardHelpOptions = true,
        description = {
            "Read a sample of a folder's CSV, JSON, Parquet, Avro or ORC files and print a pipeline spec",
            "for them, ready to run: the folder layout (date folders, hive folders or flat), the columns with valid names and",
            "from: where renamed, the narrowest type that fits every sampled value (dates and timestamps",
            "with the pattern they are written in), required where the sample has no null, and a key: the",
            "smallest set of complete columns that is unique in the sample. Starts no Spark for CSV and JSON",
            "(typed files carry their types, and Spark reads them). Example:",
            "  medallion infer --path landing/airports > conf/pipelines/airports.yaml"
        })
final class InferCommand implements Callable<Integer> {
    @Option(names = "--path", required = true, paramLabel = "FOLDER|FILE",
            description = "The table's landing folder (every file under it), or one file.")
    String path;

    @Option(names = "--format", paramLabel = "csv|json|parquet|avro|orc",
            description = "The files' format (default: told by their extension).")
    String format;

    @Option(names = "--delimiter", paramLabel = "CHAR",
            description = "The CSV delimiter (default: the most frequent of , ; tab | in the header).")
    Character delimiter;

    @Option(names = "--files", paramLabel = "N", defaultValue = "5",
            description = "How many files to sample (default: ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--records", paramLabel = "N", defaultValue = "10000",
            description = "How many records to sample per file (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the spec here instead of standard output.")
    Path output;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A spark.hadoop.* setting for reading the files (repeatable), as for the jobs.")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        if (format != null && !java.util.List.of("csv", "json", "parquet", "avro", "orc").contains(format)) {
            command.commandLine().getErr().println("medallion infer: --format takes csv, json, parquet, avro or orc, not '"
                    + format + "'");
            return ExitCode.USAGE;
        }
        String spec;
        SparkSpec local = new SparkSpec(SparkProfile.LOCAL, Map.of());
        SparkSession[] started = new SparkSession[1];
        try {
            spec = new SpecInference(SparkSessions.hadoopConfiguration(local, sparkConf), files, records)
                    .infer(path, format, delimiter, () -> started[0] = SparkSessions.create(local, "infer", sparkConf));
        } catch (IllegalArgumentException e) {
            command.commandLine().getErr().println("medallion infer: " + e.getMessage());
            return ExitCode.USAGE;
        } finally {
            if (started[0] != null) {
                started[0].stop();
            }
        }
        if (output != null) {
            Files.writeString(output, spec);
            command.commandLine().getErr().println("medallion infer: wrote " + output);
        } else {
            PrintWriter out = command.commandLine().getOut();
            out.print(spec);
            out.flush();
        }
        return ExitCode.OK;
    }
}
