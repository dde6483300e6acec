package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.jobs.bronze.BareSpark;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code medallion bare-spark}: the benchmarks' peer, hidden from the help. Reads one table's
 * landing files with Spark's own reader and the declared schema into Delta ({@code --out}).
 */
@Command(name = "bare-spark", hidden = true, mixinStandardHelpOptions = true,
        description = "Benchmarks only: bare Spark ingest of a table's landing files.")
final class BareSparkCommand extends SparkCommand {
    @Option(names = "--table", required = true, description = "The table whose landing files are read.")
    String table;

    @Option(names = "--out", required = true, description = "The Delta table written.")
    String out;

    @Override
    JobRunner.SessionBody prepare(PipelineSpec spec) {
        TableSpec t = spec.tables().get(table);
        if (t == null) {
            throw new IllegalArgumentException("unknown table '" + table + "'");
        }
        return spark -> {
            long start = System.nanoTime();
            long rows = BareSpark.ingest(spark, t, spec.storage().landingRoot(), out);
            err().printf("bare spark: %d rows into %s in %d ms%n", rows, out, (System.nanoTime() - start) / 1_000_000);
            return ExitCode.OK;
        };
    }
}
