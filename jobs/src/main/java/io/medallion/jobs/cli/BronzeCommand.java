package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.jobs.bronze.BronzeIngestJob;
import io.medallion.run.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medallion bronze}. */
@Command(name = "bronze", mixinStandardHelpOptions = true,
        description = {
            "Ingest new landing files into bronze Delta tables, exactly once per file.",
            "",
            "Reads <landing root>/<table path>/<yyyy-MM-dd>/ folders up to --run-date. Rows are kept as they",
            "arrived (text) with _ingest_run_id, _ingested_at, _source_file, _source_line and _batch_date;",
            "a line that does not parse is kept with _raw and _parse_error. Files are fingerprinted in",
            "ops.ingested_files: a rerun ingests nothing twice, and a landed file whose content changed",
            "fails the table (exit 1). Each run adds one row per table to ops.runs.",
            "",
            "A database table (format: jdbc) is extracted instead: incremental above the last extract's",
            "watermark up to now minus its lag, or whole (snapshot); each extract is recorded in ops.extracts."
        })
final class BronzeCommand extends LayerJobCommand {
    @Option(names = "--full-refresh", description = "Extract database tables whole again, ignoring their watermarks.")
    boolean fullRefresh;

    @Override
    Job job(PipelineSpec spec) {
        return new BronzeIngestJob(fullRefresh);
    }
}
