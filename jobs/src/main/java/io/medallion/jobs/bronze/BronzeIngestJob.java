package io.medallion.jobs.bronze;

import io.delta.tables.DeltaTable;
import io.medallion.config.TableSpec;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.DeltaTables;
import io.medallion.lake.TableRef;
import io.medallion.run.CrashPoints;
import io.medallion.run.Job;
import io.medallion.run.JobContext;
import io.medallion.run.JobDatasets;
import io.medallion.run.PerTable;
import io.medallion.run.TableOutcome;
import io.medallion.run.TableStatus;
import io.medallion.jobs.bronze.source.RecordCount;
import io.medallion.jobs.bronze.source.SourceReader;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code medallion bronze}: takes each table's new landing files (batch date up to the run
 * date) into its bronze Delta table, exactly once per file.
 *
 * <p>Order of a table's ingest, and why: refuse the table if an ingested file has changed;
 * fingerprint and count the new files (these reads overlap the ledger's opening commit); roll back
 * a previous run's bronze append that never got recorded (it crashed in between); append the new
 * files' rows in one commit tagged with the run id; prove bronze holds each file's every line;
 * then, when every table is done, record the files of all tables in one commit. A crash at any
 * point leaves either nothing or an unrecorded append that the next run removes before ingesting
 * again.
 */
public final class BronzeIngestJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(BronzeIngestJob.class);
    static final String COMMIT_TAG = "medallion:bronze:";
    private static final String ROLLBACK_TAG = "medallion:bronze-rollback:";
    private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";
    /** Where a crash leaves a bronze append without its ingested-files record (for recovery tests). */
    public static final String CRASH_AFTER_APPEND = "bronze.after-append";
    /** Tables ingested at once; each is mostly driver-side Delta work that overlaps well. */
    static final int TABLE_PARALLELISM = 4;

    private final boolean fullRefresh;

    public BronzeIngestJob() {
        this(false);
    }

    /** @param fullRefresh extract database tables whole again, ignoring their high-water marks */
    public BronzeIngestJob(boolean fullRefresh) {
        this.fullRefresh = fullRefresh;
    }

    @Override
    public String name() {
        return "bronze";
    }

    /** Each table's landing folder (a database source has none to name) into its bronze table. */
    @Override
    public JobDatasets datasets(JobContext context) {
        List<String> landing = context.tables().stream().filter(t -> !t.source().format().isDatabase())
                .map(t -> context.spec().storage().landingRoot() + "/" + t.source().path()).toList();
        return JobDatasets.of(context.lake(), landing, List.of(),
                context.tables().stream().map(t -> TableRef.bronze(t.name())).toList());
    }

    /** Bronze lists, fingerprints and counts the new files while the ledger opens; it writes after. */
    @Override
    public boolean readsWhileLedgerOpens() {
        return true;
    }

    @Override
    public List<TableOutcome> run(JobContext context) {
        IngestedFiles ingested = new IngestedFiles(context.spark(), context.lake());
        Map<String, Map<String, IngestedFiles.Entry>> recorded = ingested.byTable();
        Map<String, Set<String>> failedRuns = context.ledger().failedSinceLastSuccess(name(), context.runId());
        DatabaseExtracts extracts = new DatabaseExtracts(context.spark(), context.lake());
        Map<String, DatabaseExtracts.History> histories = context.tables().stream()
                .anyMatch(t -> t.source().format().isDatabase()) ? extracts.byTable() : Map.of();
        List<Row> proven = Collections.synchronizedList(new ArrayList<>());
        List<Row> extracted = Collections.synchronizedList(new ArrayList<>());
        List<TableOutcome> outcomes = PerTable.run(context.tables(), TABLE_PARALLELISM, table -> {
            Set<String> failed = failedRuns.getOrDefault(table.name(), Set.of());
            try {
                return table.source().format().isDatabase()
                        ? JdbcIngest.ingest(context, table, histories.getOrDefault(table.name(),
                                DatabaseExtracts.History.NONE), failed, fullRefresh, extracted)
                        : ingest(context, table, recorded.getOrDefault(table.name(), Map.of()), failed, proven);
            } catch (ChangedLandingFileException | JdbcSource.JdbcSourceException e) {
                // An expected refusal: the message says it all, a stack trace would bury it.
                LOG.error("{}", e.getMessage());
                return TableOutcome.failed(table.name(), e.getMessage());
            }
        });
        // The files of every table proven complete, in one commit rather than one per table, and the
        // extracts of the database tables in one more. Until they land, this run's appends are
        // unrecorded, and the next run rolls them back and ingests again.
        if (!proven.isEmpty()) {
            ingested.record(proven);
        }
        extracts.record(extracted);
        return outcomes;
    }

    /** Ingests the table's new files; the records of the files, once proven complete, go to {@code proven}. */
    private TableOutcome ingest(JobContext context, TableSpec table, Map<String, IngestedFiles.Entry> recorded,
                                Set<String> failedRuns, List<Row> proven) throws Exception {
        long start = System.nanoTime();
        SparkSession spark = context.spark();
        HadoopConf hadoop = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        TableRef bronze = TableRef.bronze(table.name());
        String bronzePath = context.lake().path(bronze);
        TableOutcome.Builder outcome = TableOutcome.builder(table.name());

        // Flat layouts have no dates in their folders: a file's batch date is the run date that first took it.
        List<LandingFile> all = new LandingScanner(hadoop.get(), context.spec().storage().landingRoot()).list(table)
                .stream().map(f -> f.batchDate() != null ? f : f.withBatchDate(recorded.containsKey(f.path())
                        ? recorded.get(f.path()).batchDate() : context.runDate())).toList();
        List<LandingFile> due = all.stream().filter(f -> !f.batchDate().isAfter(context.runDate())).toList();
        refuseChangedFiles(context, table, all, recorded, hadoop);

        List<LandingFile> fresh = due.stream().filter(f -> !recorded.containsKey(f.path())).toList();
        outcome.metric("files_already_ingested", due.size() - fresh.size())
                .metric("files_for_later_dates", all.size() - due.size());
        if (all.isEmpty()) {
            // Most often a wrong landing root or source path: say where we looked.
            LOG.warn("{}: no landing files at all under {}", table.name(),
                    LandingScanner.describe(context.spec().storage().landingRoot(), table.source()));
        }
        long bytes = fresh.stream().mapToLong(LandingFile::size).sum();
        Set<String> dates = new TreeSet<>();
        fresh.forEach(f -> dates.add(f.batchDate().toString()));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SourceReader reader = SourceReader.of(table);
        if (!fresh.isEmpty()) {
            LOG.info("{}: ingesting {} new file(s), {} MB, batch date(s) {}", table.name(), fresh.size(),
                    String.format("%.1f", bytes / 1e6), dates);
        }
        long digestStart = System.nanoTime();
        Map<String, FileDigest> digests = digest(jsc, fresh, reader, hadoop);
        if (table.source().format().isTyped() && !digests.isEmpty()) {
            checkTyped(spark, table, digests);
        }

        // The reads are done: from here on this run writes, which needs its ledger rows.
        context.awaitLedgerOpen();
        Set<String> recordedRuns = new HashSet<>();
        recorded.values().forEach(e -> recordedRuns.add(e.runId()));
        long rolledBack = rollBackUnrecordedAppends(spark, bronzePath, recordedRuns, failedRuns);
        if (rolledBack > 0) {
            outcome.metric("rows_rolled_back", rolledBack);
        }
        if (fresh.isEmpty()) {
            LOG.info("{}: no new landing files up to {} ({} already ingested)", table.name(), context.runDate(),
                    due.size());
            return outcome.metric("files_ingested", 0).build();
        }
        List<String> rejected = new ArrayList<>();
        digests.values().stream().filter(d -> d.count().rejected() != null)
                .forEach(d -> rejected.add(d.path() + ": " + d.count().rejected()));
        if (!rejected.isEmpty()) {
            // Refused whole and not recorded: nothing of them is ingested, and the next run tries them again.
            LOG.error("{}: {} file(s) refused, nothing of them ingested: {}", table.name(), rejected.size(),
                    String.join("; ", rejected));
            outcome.status(TableStatus.FAILED).metric("files_rejected", rejected.size())
                    .message(rejected.size() + " landing file(s) refused, nothing of them ingested: "
                            + String.join("; ", rejected));
            fresh = fresh.stream().filter(f -> digests.get(f.path()).count().rejected() == null).toList();
            if (fresh.isEmpty()) {
                return outcome.metric("files_ingested", 0).build();
            }
        }

        long appendStart = System.nanoTime();
        Timestamp ingestedAt = Timestamp.from(context.startedAt());
        String runId = context.runId();
        boolean rescued = BronzeSchema.hasRescued(table);
        Dataset<Row> rows;
        if (table.source().format().isTyped()) {
            rows = TypedFiles.rows(spark, table, fresh, runId, ingestedAt);
        } else {
            JavaRDD<Row> text = jsc.parallelize(fresh, fresh.size())
                    .flatMap(f -> new FileRows(f, reader, rescued, runId, ingestedAt, hadoop.get()));
            rows = spark.createDataFrame(text, BronzeSchema.of(table));
        }
        // Created first so the table gets the spec's Delta properties; appends then add to it.
        DeltaTables.createIfMissing(spark, bronzePath, spark.createDataFrame(List.of(), BronzeSchema.of(table)),
                List.of(BronzeColumns.BATCH_DATE), context.spec().maintenance(bronze).tableProperties());
        long before = DeltaLogFiles.latestVersion(hadoop.get(), bronzePath);
        rows.write().format("delta").mode("append")
                .partitionBy(BronzeColumns.BATCH_DATE)
                .option("mergeSchema", "true")
                .option("userMetadata", COMMIT_TAG + runId)
                .save(bronzePath);
        CrashPoints.reached(CRASH_AFTER_APPEND);
        long proofStart = System.nanoTime();

        Dataset<Row> appended = spark.read().format("delta").load(bronzePath)
                .where(functions.col(BronzeColumns.INGEST_RUN_ID).equalTo(runId));
        // Delta's own count of the files the append added (none when it made no commit: no rows).
        long dataFiles = DeltaTables.metric(DeltaTables.metricsSince(spark, bronzePath, "WRITE", before), "numFiles");
        Appended counts = proveComplete(table, appended, fresh, digests, runId, ingestedAt, dataFiles);
        List<String> drift = driftedFields(spark, appended, table);
        proven.addAll(counts.records());

        long end = System.nanoTime();
        double seconds = (end - start) / 1e9;
        LOG.info("{}: {} records from {} file(s) into bronze in {} s ({} rows/s), {} malformed{}", table.name(),
                counts.lines(), fresh.size(), String.format("%.1f", seconds), Math.round(counts.lines() / seconds),
                counts.malformed(), drift.isEmpty() ? "" : ", undeclared fields " + drift);
        // Where the time went, for whoever tunes a large load.
        LOG.info("{}: listing {} s, fingerprints and counts {} s, append {} s, proof {} s", table.name(),
                seconds(start, digestStart), seconds(digestStart, appendStart), seconds(appendStart, proofStart),
                seconds(proofStart, end));
        outcome.rowsRead(counts.lines()).rowsWritten(counts.rows())
                .filesAdded(counts.dataFiles())
                .metric("files_ingested", fresh.size())
                .metric("bytes_ingested", bytes)
                .metric("malformed_lines", counts.malformed())
                .metric("skipped_lines", counts.skipped())
                .metric("batch_dates", String.join(",", dates));
        if (!drift.isEmpty()) {
            outcome.metric("schema_drift_added_fields", String.join(",", drift));
        }
        return outcome.build();
    }

    private static String seconds(long fromNanos, long toNanos) {
        return String.format("%.1f", (toNanos - fromNanos) / 1e9);
    }

    /** What one run appended to a table's bronze, proven complete, and the records to keep of its files. */
    private record Appended(long lines, long rows, long malformed, long skipped, long dataFiles, List<Row> records) {
    }

    /**
     * Proves the append holds every record of every file, once: per file, as many rows as the
     * counting pass found records, none before the first position or beyond the last, and their
     * positions summing to what the counting pass summed. A lost record would need a doubled one
     * to keep the count, at exactly the lost one's position to keep the sum. (An exact distinct
     * count would cost a second aggregation over every row.)
     */
    private static Appended proveComplete(TableSpec table, Dataset<Row> appended, List<LandingFile> files,
                                          Map<String, FileDigest> digests, String runId, Timestamp ingestedAt,
                                          long dataFiles) {
        Map<String, long[]> perFile = new HashMap<>();
        for (Row r : appended.groupBy(BronzeColumns.SOURCE_FILE)
                .agg(functions.count(functions.lit(1)), functions.count(functions.col(BronzeColumns.PARSE_ERROR)),
                        functions.min(BronzeColumns.SOURCE_LINE), functions.max(BronzeColumns.SOURCE_LINE),
                        functions.sum(BronzeColumns.SOURCE_LINE))
                .collectAsList()) {
            perFile.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5)});
        }
        long lines = 0;
        long rows = 0;
        long malformed = 0;
        long skipped = 0;
        List<Row> records = new ArrayList<>();
        for (LandingFile f : files) {
            FileDigest d = digests.get(f.path());
            long[] counts = perFile.getOrDefault(f.path(), new long[] {0, 0, 0, 0, 0});
            boolean complete = counts[0] == d.records() && counts[4] == d.count().positionSum()
                    && (d.records() == 0 || counts[2] >= 1 && counts[3] <= d.count().lastPosition());
            if (!complete) {
                throw new IllegalStateException(table.name() + ": bronze received " + counts[0] + " rows (positions "
                        + counts[2] + ".." + counts[3] + ", summing to " + counts[4] + ") of " + f.path()
                        + ", which has " + d.records() + " records up to position " + d.count().lastPosition()
                        + " summing to " + d.count().positionSum()
                        + "; nothing recorded, the next run rolls this append back and retries");
            }
            lines += d.records();
            rows += counts[0];
            malformed += counts[1];
            skipped += d.count().skipped();
            records.add(RowFactory.create(table.name(), f.path(), Date.valueOf(f.batchDate()), f.size(),
                    new Timestamp(f.modifiedAt()), d.sha256(), d.records(), counts[1], runId, ingestedAt));
        }
        return new Appended(lines, rows, malformed, skipped, dataFiles, records);
    }

    /**
     * Counts each typed file's records, or refuses it, on a few threads: a file's check is a
     * footer read, or a Spark job or two, mostly waiting on storage.
     */
    private static void checkTyped(SparkSession spark, TableSpec table, Map<String, FileDigest> digests)
            throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, digests.size()));
        try {
            Map<String, Future<RecordCount>> counts = new LinkedHashMap<>();
            digests.keySet().forEach(path -> counts.put(path, pool.submit(() -> TypedFiles.check(spark, table, path))));
            for (Map.Entry<String, Future<RecordCount>> e : counts.entrySet()) {
                digests.put(e.getKey(), digests.get(e.getKey()).withCount(e.getValue().get()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, FileDigest> digest(JavaSparkContext jsc, List<LandingFile> files, SourceReader reader,
                                                  HadoopConf hadoop) {
        List<String> paths = files.stream().map(LandingFile::path).toList();
        Map<String, FileDigest> digests = new LinkedHashMap<>();
        if (paths.isEmpty()) {
            return digests;
        }
        for (FileDigest d : jsc.parallelize(paths, paths.size()).map(p -> FileDigest.of(p, reader, hadoop.get()))
                .collect()) {
            digests.put(d.path(), d);
        }
        return digests;
    }

    /**
     * Removes the rows that failed runs appended to bronze without recording their files in
     * {@code ops.ingested_files}, or their extract in {@code ops.extracts} (the run died between the two commits), so that ingesting those
     * files again cannot double them. Only runs that failed since the table's last success can
     * have left such rows.
     */
    static long rollBackUnrecordedAppends(SparkSession spark, String bronzePath, Set<String> recordedRuns,
                                          Set<String> failedRuns) {
        Set<String> suspects = new TreeSet<>(failedRuns);
        suspects.removeAll(recordedRuns);
        if (suspects.isEmpty() || !DeltaTable.isDeltaTable(spark, bronzePath)) {
            return 0;
        }
        long removed = 0;
        for (String runId : suspects) {
            Dataset<Row> bronze = spark.read().format("delta").load(bronzePath);
            long rows = bronze.where(functions.col(BronzeColumns.INGEST_RUN_ID).equalTo(runId)).count();
            if (rows == 0) {
                continue;
            }
            LOG.warn("rolling back {} bronze row(s) of failed run {} whose files were never recorded as ingested",
                    rows, runId);
            // A session of its own: the commit tag must not leak into other tables' commits.
            SparkSession tagged = spark.newSession();
            tagged.conf().set(USER_METADATA_CONF, ROLLBACK_TAG + runId);
            DeltaTable.forPath(tagged, bronzePath).delete(functions.col(BronzeColumns.INGEST_RUN_ID).equalTo(runId));
            removed += rows;
        }
        return removed;
    }

    /** Fails the table when a file it ingested has different content now. */
    private static void refuseChangedFiles(JobContext context, TableSpec table, List<LandingFile> files,
                                           Map<String, IngestedFiles.Entry> recorded, HadoopConf hadoop) {
        List<LandingFile> suspects = files.stream().filter(f -> {
            IngestedFiles.Entry e = recorded.get(f.path());
            return e != null && (e.size() != f.size() || e.modifiedAt() != f.modifiedAt());
        }).toList();
        if (suspects.isEmpty()) {
            return;
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(context.spark().sparkContext());
        List<String> changed = new ArrayList<>();
        for (FileDigest d : digest(jsc, suspects, SourceReader.of(table), hadoop).values()) {
            IngestedFiles.Entry e = recorded.get(d.path());
            if (!e.sha256().equals(d.sha256())) {
                changed.add(d.path() + " (ingested by run " + e.runId() + " at " + e.ingestedAt()
                        + " with sha256 " + e.sha256().substring(0, 12) + "…, now " + d.sha256().substring(0, 12) + "…)");
            }
        }
        if (!changed.isEmpty()) {
            throw new ChangedLandingFileException(table.name() + ": " + changed.size()
                    + " landing file(s) changed after they were ingested: " + String.join("; ", changed)
                    + ". Landed files must not change: restore the original, and deliver corrections as a new file");
        }
    }

    /** Fields present in this run's records that the spec does not declare (schema drift). */
    private static List<String> driftedFields(SparkSession spark, Dataset<Row> appended, TableSpec table) {
        Set<String> declared = new HashSet<>(table.columnNames());
        Set<String> found = new TreeSet<>();
        List<String> jsonColumns = new ArrayList<>();
        if (table.cdc().isPresent()) {
            jsonColumns.add(table.cdc().get().beforeField());
            jsonColumns.add(table.cdc().get().afterField());
        }
        if (BronzeSchema.hasRescued(table)) {
            jsonColumns.add(BronzeColumns.RESCUED);
        }
        for (String column : jsonColumns) {
            boolean image = !column.equals(BronzeColumns.RESCUED);
            Dataset<Row> keys = appended.where(functions.col(column).isNotNull()
                            .and(functions.col(BronzeColumns.PARSE_ERROR).isNull()))
                    .select(functions.explode(functions.json_object_keys(functions.col(column))).as("k"))
                    .distinct();
            for (Row r : keys.collectAsList()) {
                String key = r.getString(0);
                if (!image || !declared.contains(key)) {
                    found.add(image ? column + "." + key : key);
                }
            }
        }
        return new ArrayList<>(found);
    }
}
