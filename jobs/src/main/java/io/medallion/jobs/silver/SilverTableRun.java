package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.col;

import io.medallion.config.QuarantineGate;
import io.medallion.config.TableSpec;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.TableRef;
import io.medallion.run.JobContext;
import io.medallion.run.TableOutcome;
import io.medallion.run.TableStatus;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What applying one table's new bronze rows needs, for the SCD1 and the change-feed applier alike:
 * the run, the table, the bronze ingest runs still to apply, where its silver, quarantine and
 * history tables live, and the properties a new silver table is created with.
 *
 * @param pending the bronze ingest runs recorded but not yet applied to this table
 * @param rebuild whether the table is replaced, not merged into ({@code silver --rebuild})
 */
record SilverTableRun(JobContext context, TableSpec table, Set<String> pending, PiiProtection pii,
                      String bronzePath, String silverPath, String quarantinePath, String historyPath,
                      Map<String, String> properties, boolean rebuild) {
    SilverTableRun {
        pending = Set.copyOf(pending);
        properties = Map.copyOf(properties);
    }

    static SilverTableRun of(JobContext context, TableSpec table, Set<String> pending) {
        return of(context, table, pending, false);
    }

    /** @param rebuild whether the run replaces the table with what all of bronze makes ({@code pending} is then every run) */
    static SilverTableRun of(JobContext context, TableSpec table, Set<String> pending, boolean rebuild) {
        TableRef silver = TableRef.silver(table.name());
        return new SilverTableRun(context, table, pending, new PiiProtection(context.spec()),
                context.lake().path(TableRef.bronze(table.name())), context.lake().path(silver),
                context.lake().path(silver.quarantine()), context.lake().path(silver.history()),
                withKey(context.spec().maintenance(silver).tableProperties(), table), rebuild);
    }

    /** The table properties, with the key silver deduplicates by: a later key change is then seen. */
    private static Map<String, String> withKey(Map<String, String> properties, TableSpec table) {
        Map<String, String> all = new java.util.LinkedHashMap<>(properties);
        all.put(SilverSchemaChanges.KEY_PROPERTY, String.join(",", table.key()));
        return all;
    }

    SparkSession spark() {
        return context.spark();
    }

    /**
     * Bronze rows that parsed, cleaned, typed and judged by the table's rules, as silver judges a
     * batch (the raw copy for quarantine included); a reference rule reads its parent silver table
     * as it is now.
     */
    Dataset<Row> judge(Dataset<Row> bronze) {
        Dataset<Row> typed = Cleaning.typed(Cleaning.withDeclaredColumns(
                        bronze.where(col(BronzeColumns.PARSE_ERROR).isNull()), table)
                .withColumn(QuarantineWriter.RAW, pii.rawJson(table)), table);
        return RowRules.evaluate(typed, table, ref -> spark().read().format("delta")
                .load(context.lake().path(TableRef.silver(ref.table()))).select(ref.refColumn()));
    }

    String runId() {
        return context.runId();
    }

    /**
     * Why the table's quality gate fails, if it does: a fail rule was broken, or too large a share
     * of the rows was quarantined. Either way the table exits 3.
     */
    Optional<String> gateFailure(long failing, double rate) {
        if (failing > 0) {
            return Optional.of(failing + " row(s) broke a rule whose action is fail; they are in quarantine");
        }
        if (rate > table.maxQuarantineRate()) {
            return Optional.of(String.format(
                    "quarantined %.2f %% of the rows read, above the table's quarantine.max_rate of %.2f %%",
                    rate * 100, table.maxQuarantineRate() * 100));
        }
        return Optional.empty();
    }

    /** Whether the gate holds this batch out of silver: it fails and the table's {@code on_gate} is {@code hold}. */
    boolean holds(Optional<String> gateFailure) {
        return gateFailure.isPresent() && table.onGate() == QuarantineGate.HOLD;
    }

    /** Exit 3 when the gate fails; a held batch's message says what was held and how it is applied. */
    void qualityGate(TableOutcome.Builder outcome, Optional<String> gateFailure) {
        gateFailure.ifPresent(why -> outcome.status(TableStatus.QUALITY_FAILED).message(holds(gateFailure)
                ? why + "; the batch is held: nothing of it was merged into silver, and the first run after the "
                        + "data or the spec is fixed applies it (quarantine.on_gate: hold)"
                : why));
    }

    /** The outcome of a batch the gate held: its rows are counted, nothing is written to silver. */
    TableOutcome held(TableOutcome.Builder outcome, long read, long quarantined, DispositionCounts d, double rate,
                      Optional<String> gateFailure) {
        RowAccounting.heldBatch(read, quarantined, d.dropped(), d.kept()).check(table.name());
        outcome.rowsRead(read).rowsWritten(0).rowsQuarantined(quarantined)
                .metric(SilverJob.ROWS_HELD, d.kept()).metric("rows_dropped", d.dropped())
                .metric("rows_warned", d.warned()).metric("quarantine_rate", String.format("%.5f", rate))
                .metric("bronze_runs", String.join(",", new java.util.TreeSet<>(pending)));
        qualityGate(outcome, gateFailure);
        return outcome.build();
    }
}
