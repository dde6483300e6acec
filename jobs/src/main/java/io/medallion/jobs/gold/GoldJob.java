package io.medallion.jobs.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.medallion.config.Dependencies;
import io.medallion.config.GoldModelSpec;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.DeltaTables;
import io.medallion.lake.LakeCatalog;
import io.medallion.lake.TableRef;
import io.medallion.run.Job;
import io.medallion.run.JobContext;
import io.medallion.run.JobDatasets;
import io.medallion.run.PerTable;
import io.medallion.run.TableOutcome;
import io.medallion.run.TableStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code medallion gold}: materializes each gold model's SQL as {@code gold/<model>}. A model
 * whose inputs did not change since its last refresh is left alone. Otherwise an incremental
 * model rewrites only the partitions its changed input rows touch: the model's SQL is run once
 * per changed input with that input replaced by its changed rows (before and after images,
 * from the Delta change feed), and the partition values that come out are the ones rewritten
 * with {@code replaceWhere}. Inputs are read at pinned versions, which are recorded, so reruns
 * and backfills are idempotent. A model that reads other models refreshes after them, through
 * their change feeds like any input; a model whose grain does not hold after its refresh exits 3,
 * and the models that read it are not refreshed. Models refresh side by side; the catalog views they read through
 * are shared, so defining them and analyzing a query against them happens under one lock (an
 * analyzed query keeps the views as they were, so it can run after the lock is released).
 */
public final class GoldJob implements Job {
    /** Delta operations that rewrite or remove files but change no row of the table. */
    private static final Set<String> ROW_PRESERVING_OPERATIONS =
            Set.of("OPTIMIZE", "SET TBLPROPERTIES", "VACUUM START", "VACUUM END", "CLUSTER BY");
    private static final Logger LOG = LoggerFactory.getLogger(GoldJob.class);
    private static final int MODEL_PARALLELISM = 4;
    /**
     * When an input's changed rows (both images of an update count) exceed this share of its rows,
     * the model is rebuilt whole: such a change touches most partitions anyway, and finding them
     * runs the model once per changed input. At TPC-H scale 1 a daily batch (about half of
     * lineitem) took 106 s incrementally and 23.5 s as a rebuild; a late correction of a few rows
     * stays incremental.
     */
    static final double REBUILD_ABOVE_CHANGED_SHARE = 0.2;

    private final List<GoldModelSpec> models;
    private final boolean fullRefresh;

    public GoldJob(List<GoldModelSpec> models, boolean fullRefresh) {
        this.models = List.copyOf(models);
        this.fullRefresh = fullRefresh;
    }

    @Override
    public String name() {
        return "gold";
    }

    @Override
    public List<String> targets(JobContext context) {
        return models.stream().map(GoldModelSpec::name).toList();
    }

    /** The tables the models' SQL reads into the models. */
    @Override
    public JobDatasets datasets(JobContext context) {
        return JobDatasets.of(context.lake(), List.of(),
                models.stream().flatMap(m -> m.inputs().stream()).distinct().toList(),
                models.stream().map(m -> TableRef.gold(m.name())).toList());
    }

    @Override
    public List<TableOutcome> run(JobContext context) {
        LakeCatalog catalog = new LakeCatalog(context.spark(), context.lake());
        GoldProgress progress = new GoldProgress(context.spark(), context.lake());
        Map<String, GoldProgress.Snapshot> last = progress.lastByModel();
        Map<String, GoldProgress.Snapshot> refreshed = new java.util.concurrent.ConcurrentHashMap<>();
        // A model waits for the models it reads; those not in this run are read as they are.
        List<GoldModelSpec> ordered = Dependencies.parentsFirst(models, GoldModelSpec::name, GoldModelSpec::goldInputs);
        Map<String, TableStatus> unrefreshed = new java.util.concurrent.ConcurrentHashMap<>();
        List<TableOutcome> outcomes = PerTable.each(ordered, GoldModelSpec::name, GoldModelSpec::goldInputs,
                MODEL_PARALLELISM, model -> {
                    Optional<String> parent = model.goldInputs().stream().filter(unrefreshed::containsKey).findFirst();
                    TableOutcome outcome = parent.isPresent()
                            ? TableOutcome.builder(model.name()).status(unrefreshed.get(parent.get()))
                                    .message("not refreshed: it reads gold." + parent.get() + ", whose refresh did "
                                            + "not succeed in this run").build()
                            : refresh(context, catalog, Optional.ofNullable(last.get(model.name())), model, refreshed);
                    if (outcome.status() != TableStatus.SUCCEEDED) {
                        unrefreshed.put(model.name(), outcome.status());
                    }
                    return outcome;
                });
        // What every model read, in one commit rather than one per model. Until it lands, the next
        // run refreshes the same partitions again from the same inputs, which changes no row.
        progress.record(refreshed, context.runId());
        return outcomes;
    }

    /** Refreshes the model; when it is up to date, what it read goes to {@code refreshed} under its name. */
    private TableOutcome refresh(JobContext context, LakeCatalog catalog, Optional<GoldProgress.Snapshot> last,
                                 GoldModelSpec model, Map<String, GoldProgress.Snapshot> refreshed) {
        TableOutcome.Builder outcome = TableOutcome.builder(model.name());
        long start = System.nanoTime();
        Map<TableRef, Long> versions = new LinkedHashMap<>();
        for (TableRef input : model.inputs()) {
            long version = catalog.currentVersion(input);
            if (version < 0) {
                return outcome.status(TableStatus.FAILED).message(model.sqlFile() + " reads " + input
                        + ", which does not exist yet; run silver first").build();
            }
            versions.put(input, version);
        }
        SparkSession spark = context.spark();
        GoldProgress.Snapshot now = new GoldProgress.Snapshot(versions, sha256(model.sql()));
        TableRef gold = TableRef.gold(model.name());
        String target = context.lake().path(gold);
        boolean exists = catalog.exists(gold);

        if (!fullRefresh && exists && last.isPresent() && last.get().equals(now)) {
            LOG.info("{}: inputs unchanged since the last refresh; nothing to do", model.name());
            return outcome.metric("refresh", "none").build();
        }
        if (!fullRefresh && exists && last.isPresent() && last.get().sqlSha256().equals(now.sqlSha256())
                && noRowChangedSince(catalog, last.get().versions(), versions)) {
            LOG.info("{}: the inputs' new versions change no row (maintenance); nothing to do", model.name());
            refreshed.put(model.name(), now);
            return outcome.metric("refresh", "none").build();
        }
        String reason = fullRefresh ? "--full-refresh" : !exists ? "first build" : !model.incremental()
                ? "refresh: " + model.refresh().specName() : last.isEmpty() ? "no recorded refresh"
                : !last.get().sqlSha256().equals(now.sqlSha256()) ? "the SQL changed" : null;
        Set<String> affected = Set.of();
        if (reason == null) {
            try {
                String scratch = context.lake().ops("_scratch/" + context.runId() + "/" + model.name());
                try (ChangedRows changes = new ChangedRows(spark, catalog, scratch)) {
                    Affected found = affectedPartitions(catalog, changes, model, last.get().versions(), versions);
                    affected = found.partitions();
                    reason = found.rebuildReason();
                }
            } catch (RuntimeException e) {
                reason = "the input changes could not be read (" + e.getMessage().lines().findFirst().orElse("")
                        + ")";
                LOG.warn("{}: {}; rebuilding the whole model", model.name(), reason);
            }
        }
        Dataset<Row> analyzed;
        synchronized (catalog) {
            versions.forEach(catalog::registerAt);
            analyzed = spark.sql(model.sql());
        }
        Dataset<Row> rows = analyzed;
        if (!model.partitionBy().isEmpty()) {
            // One task, so one file, per partition value instead of one per shuffle partition.
            rows = rows.repartition(model.partitionBy().stream().map(c -> col("`" + c + "`"))
                    .toArray(org.apache.spark.sql.Column[]::new));
        }
        if (exists) {
            DeltaTables.requirePartitioning(spark, target, model.partitionBy());
            if (readByAnotherModel(context, model)) {
                DeltaTables.enableChangeFeed(spark, target);
            }
        } else {
            // With its change feed, so that models reading this one refresh incrementally too.
            DeltaTables.createIfMissing(spark, target, analyzed, model.partitionBy(),
                    DeltaTables.withChangeFeed(context.spec().maintenance(gold).tableProperties()));
        }
        DataFrameWriter<Row> writer;
        if (reason != null) {
            LOG.info("{}: full rebuild ({})", model.name(), reason);
            writer = rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true");
        } else if (affected.isEmpty()) {
            LOG.info("{}: the input changes touch no partition", model.name());
            refreshed.put(model.name(), now);
            return outcome.metric("refresh", "incremental").metric("partitions_rewritten", 0).build();
        } else {
            String predicate = String.join(" OR ", affected);
            LOG.info("{}: rewriting {} partition(s)", model.name(), affected.size());
            writer = rows.where(expr(predicate)).write().format("delta").mode("overwrite")
                    .option("replaceWhere", predicate);
        }
        if (!model.partitionBy().isEmpty()) {
            writer = writer.partitionBy(model.partitionBy().toArray(new String[0]));
        }
        writer.save(target);
        Optional<String> grain = GrainCheck.violation(spark, target, model.grain());
        if (grain.isPresent()) {
            // Not recorded as refreshed: the next run refreshes and checks it again rather than skip it.
            LOG.error("{}: {}", model.name(), grain.get());
            outcome.status(TableStatus.QUALITY_FAILED).message("gold." + model.name() + ": " + grain.get());
        } else {
            refreshed.put(model.name(), now);
        }

        // Files removed are counted from the commit's remove actions: an overwrite's metrics have no
        // numRemovedFiles, so a full rebuild would otherwise report none.
        DeltaLogFiles.CommitInfo commit = DeltaTables.lastCommit(spark, target, "WRITE");
        Map<String, String> m = commit.operationMetrics();
        long written = DeltaTables.metric(m, "numOutputRows");
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("{}: {} rows written in {} file(s), {} file(s) replaced, in {} s", model.name(), written,
                DeltaTables.metric(m, "numFiles"), commit.filesRemoved(), String.format("%.1f", seconds));
        return outcome.rowsWritten(written).filesAdded(DeltaTables.metric(m, "numFiles"))
                .filesRemoved(commit.filesRemoved())
                .metric("refresh", reason == null ? "incremental" : "full")
                .metric("partitions_rewritten", reason == null ? String.valueOf(affected.size()) : "all")
                .metric("partitions", reason == null ? String.join(" OR ", affected) : "")
                .metric("input_versions", versions.toString())
                .build();
    }

    private static boolean readByAnotherModel(JobContext context, GoldModelSpec model) {
        return context.spec().gold().values().stream().anyMatch(m -> m.goldInputs().contains(model.name()));
    }

    /**
     * The partitions the changed input rows touch, each as a SQL predicate. For each changed input,
     * the model runs with that input replaced by its changed rows and the other inputs as they are
     * now; every partition value that comes out may differ from what gold holds.
     */
    private static Affected affectedPartitions(LakeCatalog catalog, ChangedRows changes, GoldModelSpec model,
                                               Map<TableRef, Long> before, Map<TableRef, Long> now) {
        Set<String> affected = new LinkedHashSet<>();
        List<String> columns = model.partitionBy().stream().map(c -> "`" + c + "`").toList();
        for (Map.Entry<TableRef, Long> input : now.entrySet()) {
            Long from = before.get(input.getKey());
            if (from == null) {
                throw new IllegalStateException(input.getKey() + " is a new input of the model");
            }
            if (from.equals(input.getValue())) {
                continue;
            }
            // The commits' metrics tell how many rows changed at least: when that is already too many,
            // the change feed is not read. When they tell nothing, the rows are counted only if the
            // feed has any.
            long changed = changedRowsAtLeast(catalog, input.getKey(), from + 1, input.getValue());
            long rows = changed == 0 ? 0 : catalog.rowCount(input.getKey(), input.getValue());
            if (changed <= REBUILD_ABOVE_CHANGED_SHARE * rows) {
                changed = changes.write(input.getKey(), from + 1, input.getValue());
                if (changed == 0) {
                    continue; // only maintenance commits: an empty stand-in would widen an outer join
                }
                if (rows == 0) {
                    rows = catalog.rowCount(input.getKey(), input.getValue());
                }
            }
            if (changed > REBUILD_ABOVE_CHANGED_SHARE * rows) {
                return new Affected(Set.of(), String.format("%,d changed rows in %s, more than %.0f%% of its "
                        + "%,d rows", changed, input.getKey(), REBUILD_ABOVE_CHANGED_SHARE * 100, rows));
            }
            Dataset<Row> values;
            // Only defining the views and analyzing the query take the lock: the plan then holds the
            // tables it read, whatever the views become for other models.
            synchronized (catalog) {
                now.forEach(catalog::registerAt);
                changes.substitute(input.getKey());
                values = catalog.spark().sql("SELECT DISTINCT " + String.join(", ", columns)
                        + " FROM (" + model.sql() + ")");
            }
            for (Row r : values.collectAsList()) {
                affected.add(PartitionPredicate.of(model.partitionBy(), r));
            }
        }
        return new Affected(affected, null);
    }

    /** The rows the table's commits {@code from} to {@code to} changed at least, from their metrics. */
    private static long changedRowsAtLeast(LakeCatalog catalog, TableRef table, long from, long to) {
        org.apache.hadoop.conf.Configuration hadoop = catalog.spark().sparkContext().hadoopConfiguration();
        long changed = 0;
        for (long v = from; v <= to; v++) {
            try {
                changed += DeltaLogFiles.commit(hadoop, catalog.path(table), v).changedRowsAtLeast();
            } catch (RuntimeException e) {
                // a commit no longer in the log counts 0: reading the change feed then tells
            }
        }
        return changed;
    }

    /**
     * Whether every input with a newer version than {@code before} got there only by commits that
     * change no row: compaction, Z-order or clustering, VACUUM, table properties (what maintain does).
     */
    private static boolean noRowChangedSince(LakeCatalog catalog, Map<TableRef, Long> before,
                                             Map<TableRef, Long> now) {
        org.apache.hadoop.conf.Configuration hadoop = catalog.spark().sparkContext().hadoopConfiguration();
        for (Map.Entry<TableRef, Long> input : now.entrySet()) {
            Long from = before.get(input.getKey());
            if (from == null) {
                return false;
            }
            for (long v = from + 1; v <= input.getValue(); v++) {
                try {
                    String operation = DeltaLogFiles.commit(hadoop, catalog.path(input.getKey()), v).operation();
                    if (!ROW_PRESERVING_OPERATIONS.contains(operation)) {
                        return false;
                    }
                } catch (RuntimeException e) {
                    return false; // a commit that cannot be read: assume it changed rows
                }
            }
        }
        return true;
    }

    /** The partitions to rewrite, or why the whole model is rebuilt instead. */
    private record Affected(Set<String> partitions, String rebuildReason) {
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
