package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.jobs.silver.SilverJob;
import io.medallion.run.Job;
import picocli.CommandLine.Command;

/** {@code medallion silver}. */
@Command(name = "silver", mixinStandardHelpOptions = true,
        description = {
            "Clean, validate, deduplicate and merge the new bronze rows into silver Delta tables.",
            "",
            "Takes the bronze rows of ingest runs not yet applied (ops.silver_progress); casts text to the declared",
            "types, trims and standardizes; applies the table's rules (quarantine, drop, warn, fail); keeps the",
            "latest row per key by latest_by; MERGEs into silver/<table> (SCD type 1). Unparseable and rejected",
            "rows go to silver/_quarantine_<table> with every rule they broke. Rows read = inserted + updated +",
            "unchanged + quarantined + dropped + duplicates, or the table fails. Exit 3 when a fail rule is broken",
            "or the quarantined share exceeds quarantine.max_rate; then, with quarantine.on_gate: hold (the",
            "default), nothing of the batch is merged, its quarantine is marked held and the batch stays pending,",
            "so the first run after a fix applies it once. A change feed (cdc) is applied in sequence",
            "order into silver/<table>, with its SCD type 2 history in silver/dim_<table>. Columns declared",
            "pii: hash or mask are protected in silver and quarantine (salt: privacy.pii_salt)."
        })
final class SilverCommand extends LayerJobCommand {
    @Override
    Job job(PipelineSpec spec) {
        return new SilverJob();
    }
}
