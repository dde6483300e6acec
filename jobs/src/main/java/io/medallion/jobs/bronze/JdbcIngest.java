package io.medallion.jobs.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.medallion.config.ColumnSpec;
import io.medallion.config.JdbcMode;
import io.medallion.config.JdbcSpec;
import io.medallion.config.TableSpec;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.DeltaTables;
import io.medallion.lake.TableRef;
import io.medallion.run.CrashPoints;
import io.medallion.run.JobContext;
import io.medallion.run.TableOutcome;
import java.sql.Connection;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One database table's extract into bronze. Reaches the database and checks its types (while the
 * ledger opens), rolls back an unrecorded append of a failed run, appends the extract in one
 * commit tagged with the run, proves bronze holds as many rows of the run as the commit wrote, and
 * hands its {@code ops.extracts} record, with the new high-water mark, to the job's record commit.
 */
final class JdbcIngest {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcIngest.class);

    private JdbcIngest() {
    }

    static TableOutcome ingest(JobContext context, TableSpec table, DatabaseExtracts.History history,
                               Set<String> failedRuns, boolean fullRefresh, List<Row> proven) throws Exception {
        long start = System.nanoTime();
        SparkSession spark = context.spark();
        JdbcSpec jdbc = table.source().jdbc();
        String bronzePath = context.lake().path(TableRef.bronze(table.name()));
        TableOutcome.Builder outcome = TableOutcome.builder(table.name());
        JdbcSource source = new JdbcSource(table);
        boolean incremental = jdbc.mode() == JdbcMode.INCREMENTAL;
        // Fixed once, at run start: rows committed in the lag window are left for the next run.
        Instant cutoff = context.startedAt().minus(jdbc.lag()).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        List<String> from = fullRefresh ? null : history.highWaterMark();

        Dataset<Row> extract;
        try (Connection connection = source.connect()) {
            List<JdbcSource.Column> columns = source.describe(connection);
            String sql = source.extractSql(source.condition(columns, from, cutoff, source.upperBound(connection, columns)));
            LOG.info("{}: extracting from {} ({}{}): {}", table.name(), jdbc.describe(), jdbc.mode().name().toLowerCase(),
                    incremental ? from == null ? ", everything up to " + cutoff : ", above " + from + " up to " + cutoff
                            : "", sql);
            extract = source.read(spark, connection, sql);
        }

        context.awaitLedgerOpen();
        long rolledBack = BronzeIngestJob.rollBackUnrecordedAppends(spark, bronzePath, history.runIds(), failedRuns);
        if (rolledBack > 0) {
            outcome.metric("rows_rolled_back", rolledBack);
        }
        String runId = context.runId();
        Timestamp ingestedAt = Timestamp.from(context.startedAt());
        DeltaTables.createIfMissing(spark, bronzePath, spark.createDataFrame(List.of(), BronzeSchema.of(table)),
                List.of(BronzeColumns.BATCH_DATE), context.spec().maintenance(TableRef.bronze(table.name())).tableProperties());
        long before = DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), bronzePath);
        long appendStart = System.nanoTime();
        bronzeRows(extract, table, jdbc, runId, ingestedAt, context).write().format("delta").mode("append")
                .partitionBy(BronzeColumns.BATCH_DATE)
                .option("userMetadata", BronzeIngestJob.COMMIT_TAG + runId)
                .save(bronzePath);
        CrashPoints.reached(BronzeIngestJob.CRASH_AFTER_APPEND);
        long proofStart = System.nanoTime();

        java.util.Map<String, String> commit = DeltaTables.metricsSince(spark, bronzePath, "WRITE", before);
        long written = DeltaTables.metric(commit, "numOutputRows");
        Row summary = summarize(spark.read().format("delta").load(bronzePath)
                .where(col(BronzeColumns.INGEST_RUN_ID).equalTo(runId)), table, jdbc);
        long rows = summary.getLong(0);
        if (rows != written) {
            throw new IllegalStateException(table.name() + ": bronze holds " + rows + " rows of run " + runId
                    + " but its commit wrote " + written + "; nothing recorded, the next run rolls this append back");
        }
        List<String> to = incremental ? rows == 0 ? from : watermarkOf(summary.getStruct(2)) : null;
        proven.add(RowFactory.create(table.name(), jdbc.describe(), jdbc.mode().name().toLowerCase(),
                incremental ? DatabaseExtracts.toJson(jdbc.watermark()) : null,
                DatabaseExtracts.toJson(from), DatabaseExtracts.toJson(to), incremental ? Timestamp.from(cutoff) : null,
                rows, summary.isNullAt(1) ? "0" : summary.getDecimal(1).toPlainString(), runId, ingestedAt));

        long end = System.nanoTime();
        double seconds = (end - start) / 1e9;
        LOG.info("{}: {} rows extracted into bronze in {} s ({} rows/s){}", table.name(), rows,
                String.format("%.1f", seconds), Math.round(rows / seconds), incremental ? ", high-water mark " + to : "");
        LOG.info("{}: connect, types and plan {} s, extract and append {} s, proof {} s", table.name(),
                seconds(start, appendStart), seconds(appendStart, proofStart), seconds(proofStart, end));
        return outcome.rowsRead(rows).rowsWritten(rows)
                .filesAdded(DeltaTables.metric(commit, "numFiles"))
                .metric("rows_extracted", rows)
                .metric("extract_mode", jdbc.mode().name().toLowerCase())
                .metric("watermark_to", to == null ? "" : String.join(",", to))
                .build();
    }

    private static String seconds(long fromNanos, long toNanos) {
        return String.format("%.1f", (toNanos - fromNanos) / 1e9);
    }

    /** The extract in {@link BronzeSchema}'s columns: the declared ones in their types, then where each row came from. */
    private static Dataset<Row> bronzeRows(Dataset<Row> extract, TableSpec table, JdbcSpec jdbc, String runId,
                                           Timestamp ingestedAt, JobContext context) {
        List<Column> columns = new ArrayList<>();
        for (ColumnSpec c : table.schema()) {
            columns.add(col(c.name()).cast(c.type().sparkType()).as(c.name()));
        }
        columns.add(lit(runId).as(BronzeColumns.INGEST_RUN_ID));
        columns.add(lit(ingestedAt).as(BronzeColumns.INGESTED_AT));
        columns.add(lit(jdbc.describe()).as(BronzeColumns.SOURCE_FILE));
        // A row's position in its extract: unique within the run, not contiguous (one range per connection).
        columns.add(functions.monotonically_increasing_id().plus(1).as(BronzeColumns.SOURCE_LINE));
        columns.add(lit(Date.valueOf(context.runDate())).as(BronzeColumns.BATCH_DATE));
        columns.add(lit(null).cast(DataTypes.StringType).as(BronzeColumns.RAW));
        columns.add(lit(null).cast(DataTypes.StringType).as(BronzeColumns.PARSE_ERROR));
        return extract.select(columns.toArray(new Column[0]));
    }

    /** Rows, a checksum of their values, and (incremental) the largest watermark, in one pass over the run's rows. */
    private static Row summarize(Dataset<Row> appended, TableSpec table, JdbcSpec jdbc) {
        Column[] values = table.schema().stream().map(c -> col(c.name())).toArray(Column[]::new);
        Column checksum = functions.sum(functions.xxhash64(values).cast(DataTypes.createDecimalType(38, 0)));
        Column watermark = jdbc.watermark().isEmpty() ? lit(null)
                : functions.max(functions.struct(jdbc.watermark().stream().map(functions::col).toArray(Column[]::new)));
        return appended.agg(functions.count(lit(1)), checksum, watermark).first();
    }

    /** The largest watermark, as text a later extract turns back into literals. */
    private static List<String> watermarkOf(Row max) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < max.length(); i++) {
            Object v = max.get(i);
            values.add(v instanceof Timestamp t ? t.toInstant().toString()
                    : v instanceof java.math.BigDecimal d ? d.toPlainString() : String.valueOf(v));
        }
        return values;
    }
}
