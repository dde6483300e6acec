package io.medallion.jobs.silver;


import io.medallion.config.Dependencies;
import io.medallion.config.RuleSpec;
import io.medallion.config.TableSpec;
import io.medallion.jobs.bronze.DatabaseExtracts;
import io.medallion.jobs.bronze.IngestedFiles;
import io.medallion.lake.TableRef;
import io.medallion.run.CrashPoints;
import io.medallion.run.Job;
import io.medallion.run.JobContext;
import io.medallion.run.JobDatasets;
import io.medallion.run.PerTable;
import io.medallion.run.TableOutcome;
import io.medallion.run.TableStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code medallion silver}: for each table, the bronze rows of ingest runs not yet applied
 * ({@code ops.silver_progress}) go to the table's applier, {@link KeyedApplier} (SCD type 1 by
 * business key) or {@link ChangeFeedApplier} (a change feed, with SCD type 2 history). Tables run
 * side by side, each after the tables its reference rules point to, so a rule sees this run's
 * parents; what every table applied is recorded in one commit at the end.
 */
public final class SilverJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(SilverJob.class);
    /** A fault for tests: one row vanishes before the MERGE, which the row accounting must catch. */
    public static final String LOSE_A_ROW = "silver.lose-a-row";
    /** Where a crash leaves every table merged and none recorded as applied (for recovery tests). */
    public static final String CRASH_BEFORE_PROGRESS = "silver.before-progress";
    /** The metric of a table whose batch the quality gate held: its valid rows, none merged. */
    public static final String ROWS_HELD = "rows_held";
    /** Tables applied side by side: small tables cost mostly driver time (Delta log reads, commits), which overlaps well. */
    private static final int TABLE_PARALLELISM = 8;

    private final Set<String> rebuild;

    public SilverJob() {
        this(Set.of());
    }

    /**
     * @param rebuild tables to rebuild from all of bronze ({@code silver --rebuild}): each is
     *     replaced by what its spec makes of every bronze row, so a new key, partitioning or type applies
     */
    public SilverJob(Set<String> rebuild) {
        this.rebuild = Set.copyOf(rebuild);
    }

    @Override
    public String name() {
        return "silver";
    }

    /** Bronze into silver, its quarantine and, for a change feed, its history. */
    @Override
    public JobDatasets datasets(JobContext context) {
        List<TableRef> writes = new ArrayList<>();
        for (var t : context.tables()) {
            TableRef silver = TableRef.silver(t.name());
            writes.add(silver);
            writes.add(silver.quarantine());
            t.cdc().ifPresent(cdc -> writes.add(silver.history()));
        }
        return JobDatasets.of(context.lake(), List.of(),
                context.tables().stream().map(t -> TableRef.bronze(t.name())).toList(), writes);
    }

    /** Spec changes an existing silver table cannot take in place, unless this run rebuilds it. */
    @Override
    public List<String> refusals(JobContext context) {
        List<String> refusals = new ArrayList<>();
        for (TableSpec t : context.tables()) {
            if (!rebuild.contains(t.name()) && !t.key().isEmpty()) {
                SilverSchemaChanges.plan(context.spark(), context.lake().path(TableRef.silver(t.name())), t)
                        .ifPresent(plan -> refusals.addAll(plan.refusals()));
            }
        }
        return refusals;
    }

    @Override
    public List<TableOutcome> run(JobContext context) {
        SparkSession spark = context.spark();
        Map<String, Set<String>> ingested = new HashMap<>(new IngestedFiles(spark, context.lake()).runIdsByTable());
        if (context.tables().stream().anyMatch(t -> t.source().format().isDatabase())) {
            new DatabaseExtracts(spark, context.lake()).runIdsByTable().forEach((t, runs) ->
                    ingested.merge(t, runs, (a, b) -> { Set<String> all = new TreeSet<>(a); all.addAll(b); return all; }));
        }
        SilverProgress progress = new SilverProgress(spark, context.lake());
        Map<String, Set<String>> applied = progress.applied();
        Map<String, Set<String>> appliedNow = new java.util.concurrent.ConcurrentHashMap<>();
        List<TableSpec> ordered = parentsFirst(context.tables());
        List<TableOutcome> outcomes = PerTable.run(ordered, TABLE_PARALLELISM, SilverJob::parents, table -> {
            Set<String> recorded = ingested.getOrDefault(table.name(), Set.of());
            Set<String> fresh = new TreeSet<>(recorded);
            fresh.removeAll(applied.getOrDefault(table.name(), Set.of()));
            if (table.key().isEmpty()) {
                return TableOutcome.builder(table.name()).status(TableStatus.FAILED)
                        .message("silver needs a key to merge on; declare 'key'").build();
            }
            boolean rebuilding = rebuild.contains(table.name());
            Set<String> pending = rebuilding ? recorded : fresh;
            String path = context.lake().path(TableRef.silver(table.name()));
            if (!rebuilding) {
                // Before anything is read, so that this run's rows fill a column the spec just gained.
                SilverSchemaChanges.applyTo(context.spark(), path, table);
            }
            // A table whose quarantined rows wait for late parents runs anyway: their parents may be new.
            if (pending.isEmpty() && !LateParents.retries(table)) {
                LOG.info("{}: no new bronze rows", table.name());
                return TableOutcome.builder(table.name()).build();
            }
            SilverTableRun run = SilverTableRun.of(context, table, pending, rebuilding);
            TableOutcome outcome = table.cdc().isPresent() ? ChangeFeedApplier.apply(run, recorded)
                    : KeyedApplier.apply(run);
            // A held batch stays pending: the run after a fix judges it again and applies it once.
            if (outcome.status() != TableStatus.FAILED && !outcome.metrics().containsKey(ROWS_HELD)) {
                appliedNow.put(table.name(), fresh);
            }
            return outcome;
        });
        // What every table applied, in one commit rather than one per table. Until it lands, the
        // next run applies these bronze runs again, which changes nothing: the MERGEs find the rows
        // unchanged, quarantine is keyed by bronze line and the history is rebuilt from bronze.
        CrashPoints.reached(CRASH_BEFORE_PROGRESS);
        progress.record(appliedNow, context.runId());
        return outcomes;
    }

    /**
     * The tables with each after the tables its reference rules point to, so a reference rule sees
     * this run's parents; a table starts as soon as its own parents are done.
     */
    static List<TableSpec> parentsFirst(List<TableSpec> tables) {
        return Dependencies.parentsFirst(tables, TableSpec::name, SilverJob::parents);
    }

    /** The other tables the table's reference rules point to. */
    static List<String> parents(TableSpec table) {
        return table.rules().stream().filter(r -> r instanceof RuleSpec.References)
                .map(r -> ((RuleSpec.References) r).table()).filter(t -> !t.equals(table.name())).distinct().toList();
    }

}
