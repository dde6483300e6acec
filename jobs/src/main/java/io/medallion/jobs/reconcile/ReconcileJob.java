package io.medallion.jobs.reconcile;

import io.medallion.config.TableSpec;
import io.medallion.jobs.bronze.DatabaseExtracts;
import io.medallion.jobs.bronze.JdbcSource;
import io.medallion.lake.LakeCatalog;
import io.medallion.lake.Layer;
import io.medallion.lake.OpsTable;
import io.medallion.lake.TableRef;
import io.medallion.run.Job;
import io.medallion.run.JobContext;
import io.medallion.run.PerTable;
import io.medallion.run.TableOutcome;
import io.medallion.run.TableStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;

/**
 * {@code medallion reconcile}: compares each selected database table with its bronze or silver
 * table (row counts, per-column aggregates, and a per-key hash join), prints the result, and
 * appends it to {@code ops.reconciliation}. A table whose share of missing, extra and different
 * keys is above its {@code reconcile.max_discrepancy} fails (exit 3).
 */
public final class ReconcileJob implements Job {
    public static final String TABLE = "reconciliation";
    private static final int PARALLELISM = 2;

    private final List<TableSpec> tables;
    private final Layer layer;
    private final Consumer<String> report;

    /**
     * @param tables the database tables to reconcile
     * @param layer bronze or silver
     * @param report where the result's lines go: the terminal, or the pipeline's log
     */
    public ReconcileJob(List<TableSpec> tables, Layer layer, Consumer<String> report) {
        for (TableSpec t : tables) {
            if (t.source().jdbc() == null) {
                throw new IllegalArgumentException(t.name() + " is read from " + t.source().format().specName()
                        + " files; reconcile compares a database source with the lake");
            }
            if (t.key().isEmpty()) {
                throw new IllegalArgumentException(t.name() + " has no key; reconcile compares rows by key");
            }
        }
        if (layer != Layer.BRONZE && layer != Layer.SILVER) {
            throw new IllegalArgumentException("reconcile compares a source with bronze or silver, not " + layer);
        }
        this.tables = List.copyOf(tables);
        this.layer = layer;
        this.report = report;
    }

    @Override
    public String name() {
        return "reconcile";
    }

    @Override
    public List<String> targets(JobContext context) {
        return tables.stream().map(t -> new TableRef(layer, t.name()).toString()).toList();
    }

    @Override
    public List<TableOutcome> run(JobContext context) {
        LakeCatalog catalog = new LakeCatalog(context.spark(), context.lake());
        Map<String, DatabaseExtracts.History> histories = new DatabaseExtracts(context.spark(), context.lake()).byTable();
        List<Reconciliation> results = Collections.synchronizedList(new ArrayList<>());
        List<TableOutcome> outcomes = PerTable.each(tables, t -> new TableRef(layer, t.name()).toString(), PARALLELISM,
                t -> reconcile(context, catalog, t, histories.getOrDefault(t.name(), DatabaseExtracts.History.NONE),
                        results));
        if (!results.isEmpty()) {
            Instant at = Instant.now();
            List<Row> rows = results.stream().map(r -> r.toRow(context.runId(), at)).toList();
            OpsTable.in(context.spark(), context.lake(), TABLE, Reconciliation.SCHEMA).append(rows);
        }
        return outcomes;
    }

    private TableOutcome reconcile(JobContext context, LakeCatalog catalog, TableSpec table,
                                   DatabaseExtracts.History history, List<Reconciliation> results) throws Exception {
        TableRef ref = new TableRef(layer, table.name());
        TableOutcome.Builder outcome = TableOutcome.builder(ref.toString());
        if (!catalog.exists(ref)) {
            return outcome.status(TableStatus.FAILED).message(ref + " does not exist yet; run "
                    + (layer == Layer.BRONZE ? "bronze" : "bronze and silver") + " first").build();
        }
        Reconciliation r;
        try {
            r = new TableReconciler(context.spark(), table, ref, catalog.path(ref), context.spec().piiSalt(), history)
                    .reconcile();
        } catch (JdbcSource.JdbcSourceException e) {
            return outcome.status(TableStatus.FAILED).message(e.getMessage()).build();
        }
        results.add(r);
        synchronized (report) {
            r.report().forEach(report);
        }
        outcome.rowsRead(r.sourceRows()).metric("lake_rows", r.lakeRows()).metric("pending_rows", r.pending())
                .metric("missing_keys", r.missing()).metric("extra_keys", r.extra())
                .metric("different_keys", r.different()).metric("discrepancy", String.format("%.5f", r.discrepancy()))
                .metric("column_differences", r.columnDifferences().size())
                .metric("seconds", String.format("%.1f", r.seconds()));
        if (!r.passed()) {
            outcome.status(TableStatus.QUALITY_FAILED).message(r.failure());
        }
        return outcome.build();
    }
}
