package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.jobs.silver.ColumnBackfill;
import io.medallion.jobs.silver.SilverJob;
import java.util.Set;
import java.util.stream.Collectors;
import io.medallion.run.Job;
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
            "or the quarantined share exceeds quarantine.max_rate; then, with quarantine.on_gate: hold (the",
            "default), nothing of the batch is merged, its quarantine is marked held and the batch stays pending,",
            "so the first run after a fix applies it once. A change feed (cdc) is applied in sequence",
            "order into silver/<table>, with its SCD type 2 history in silver/dim_<table>. Columns declared",
            "pii: hash or mask are protected in silver and quarantine (salt: privacy.pii_salt).",
            "",
            "A column added to a table's schema is added to silver (fill older rows with --backfill-columns);",
            "a removed one is kept, deprecated. A safe type widening is applied; another type change, a new key",
            "or a new partition_by exits 2 and names the fix: --rebuild --table T."
        })
final class SilverCommand extends LayerJobCommand {
    @Option(names = "--rebuild",
            description = "Replace the --table tables with what their spec makes of all of bronze, with row accounting: "
                    + "for a changed key, partitioning or type, which silver refuses to apply in place (exit 2).")
    boolean rebuild;

    @Option(names = "--backfill-columns",
            description = "Fill, in rows already in silver, the values their own bronze row kept and silver lacks "
                    + "(a column added to the schema: bronze kept it in _rescued or the change event); only nulls "
                    + "are filled, so a rerun changes nothing. Does not apply new bronze rows.")
    boolean backfillColumns;

    @Override
    Job job(PipelineSpec spec) {
        if (rebuild && backfillColumns) {
            throw new IllegalArgumentException("--rebuild and --backfill-columns do not go together: a rebuild "
                    + "already takes every column from bronze");
        }
        if (rebuild && tables.isEmpty()) {
            throw new IllegalArgumentException("--rebuild needs --table: it replaces whole tables, so name them");
        }
        if (backfillColumns) {
            return new ColumnBackfill();
        }
        return new SilverJob(rebuild ? tables(spec).stream().map(TableSpec::name).collect(Collectors.toSet())
                : Set.of());
    }
}
