package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.jobs.silver.SilverJob;
import io.medallion.config.TableSpec;
import io.medallion.lake.Layer;
import io.medallion.run.Job;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
            "or the quarantined share exceeds quarantine.max_rate. A change feed (cdc) is applied in sequence",
            "order into silver/<table>, with its SCD type 2 history in silver/dim_<table>. Columns declared",
            "pii: hash or mask are protected in silver and quarantine (salt: privacy.pii_salt)."
        })
final class SilverCommand extends JobCommand {
    @Option(names = "--table", paramLabel = "TABLE",
            description = "Only this spec table, as orders or silver.orders (repeatable; default: every table).")
    List<String> tables = new ArrayList<>();

    @Override
    List<TableSpec> tables(PipelineSpec spec) {
        return TableSelection.specTables(spec, tables, Layer.SILVER);
    }

    @Override
    Job job(PipelineSpec spec) {
        return new SilverJob();
    }
}
