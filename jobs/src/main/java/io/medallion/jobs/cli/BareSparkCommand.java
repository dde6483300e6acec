package io.medallion.jobs.cli;

import io.medallion.config.ColumnSpec;
import io.medallion.config.PipelineSpec;
import io.medallion.config.SourceFormat;
import io.medallion.config.TableSpec;
import io.medallion.jobs.bronze.BareSpark;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code medallion bare-spark}: the benchmarks' peer, hidden from the help. Reads one table's
 * landing files with Spark's own reader and the declared schema into Delta ({@code --out}), or
 * writes them in another format with a spec for them ({@code --convert-to}).
 */
@Command(name = "bare-spark", hidden = true, mixinStandardHelpOptions = true,
        description = "Benchmarks only: bare Spark ingest of a table's landing files, or their conversion.")
final class BareSparkCommand extends SparkCommand {
    @Option(names = "--table", required = true, description = "The table whose landing files are read.")
    String table;

    @Option(names = "--out", required = true, description = "The Delta table written, or the landing root converted to.")
    String out;

    @Option(names = "--convert-to", paramLabel = "FORMAT",
            description = "Write the files as csv, jsonl or parquet under --out, and --out/<table>-<format>.yaml.")
    SourceFormat convertTo;

    @Override
    JobRunner.SessionBody prepare(PipelineSpec spec) {
        TableSpec t = spec.tables().get(table);
        if (t == null) {
            throw new IllegalArgumentException("unknown table '" + table + "'");
        }
        return spark -> {
            long start = System.nanoTime();
            if (convertTo == null) {
                long rows = BareSpark.ingest(spark, t, spec.storage().landingRoot(), out);
                err().printf("bare spark: %d rows into %s in %d ms%n", rows, out, (System.nanoTime() - start) / 1_000_000);
                return ExitCode.OK;
            }
            long rows = BareSpark.convert(spark, t, spec.storage().landingRoot(), convertTo, out);
            Files.writeString(Path.of(out, table + "-" + convertTo.specName() + ".yaml"), spec(t, convertTo, out));
            err().printf("converted %d rows of %s to %s under %s%n", rows, table, convertTo.specName(), out);
            return ExitCode.OK;
        };
    }

    /** A one-table spec for the converted files: the declared columns, bronze needs no more. */
    private static String spec(TableSpec t, SourceFormat format, String landing) {
        StringBuilder yaml = new StringBuilder("storage:\n  lake_root: ${MEDALLION_LAKE_ROOT}\n  landing_root: \"")
                .append(landing).append("\"\ntables:\n  ").append(t.name()).append(":\n    source: {format: ")
                .append(format.specName()).append(", path: ").append(t.source().path()).append(", glob: \"part-*\"}\n")
                .append("    schema:\n");
        for (ColumnSpec c : t.schema()) {
            yaml.append("      - {name: ").append(c.name()).append(", type: \"").append(c.type()).append("\"")
                    .append(c.required() ? ", required: true" : "").append("}\n");
        }
        yaml.append("    key: [").append(String.join(", ", t.key())).append("]\n");
        return yaml.toString();
    }
}
