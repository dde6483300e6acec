package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.jobs.reconcile.ReconcileJob;
import io.medallion.lake.Layer;
import io.medallion.run.Job;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medallion reconcile}. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {
            "Prove that the lake matches a database source: compare each database table with its silver (or",
            "bronze) table and print what differs.",
            "",
            "Compares row counts; per column the non-null count, min, max, sum of numbers and approximate distinct",
            "count; and per key a hash of the row's values on both sides, joined by key, listing a sample of the",
            "keys missing from the lake, extra in it and different. The source is brought to the layer's form",
            "first (silver's cleaning and pii protection), so equal data compares equal. Rows above the last",
            "extract's watermark are pending and left out of both sides. Results go to ops.reconciliation.",
            "Exit 3 when the share of differing keys is above the table's reconcile.max_discrepancy (default 0).",
            "The pipeline runs this after silver for the tables whose spec has a reconcile section."
        })
final class ReconcileCommand extends JobCommand {
    @Option(names = "--table", paramLabel = "TABLE",
            description = {"Only this table, as orders, silver.orders or bronze.orders (repeatable; default: every",
                "table read from a database)."})
    List<String> tables = new ArrayList<>();

    @Option(names = "--layer", paramLabel = "LAYER", defaultValue = "silver",
            description = "The layer compared with the source: silver or bronze (default: ${DEFAULT-VALUE}).")
    String layer;

    @Override
    Job job(PipelineSpec spec) {
        Layer compared = Layer.DATA.stream().filter(l -> l.specName().equals(layer) && l != Layer.GOLD).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--layer must be silver or bronze, got '" + layer + "'"));
        List<TableSpec> selected = tables.isEmpty()
                ? spec.tables().values().stream().filter(t -> t.source().jdbc() != null).toList()
                : TableSelection.specTables(spec, tables, compared);
        if (selected.isEmpty()) {
            throw new IllegalArgumentException(spec.file() + " has no table read from a database (source format: "
                    + "jdbc); reconcile compares such a table with the lake");
        }
        return new ReconcileJob(selected, compared, line -> {
            out().println(line);
            out().flush();
        });
    }
}
