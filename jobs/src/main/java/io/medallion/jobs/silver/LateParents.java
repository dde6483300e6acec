package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.unix_timestamp;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.medallion.config.RuleSpec;
import io.medallion.config.TableSpec;
import io.medallion.interop.Scala;
import io.medallion.lake.BronzeColumns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Rows quarantined only because a parent was missing, under reference rules with {@code retry}:
 * each silver run judges them again, from bronze, until the parent arrives or the window after
 * their batch date ends. A row whose parent has arrived enters silver with the batch and its
 * record is marked {@code released}; a row whose window ended is marked {@code expired} and stays.
 */
final class LateParents implements AutoCloseable {
    static final String RELEASED = "released";
    static final String EXPIRED = "expired";

    private final Dataset<Row> judged;
    private final Dataset<Row> expired;

    private LateParents(Dataset<Row> judged, Dataset<Row> expired) {
        this.judged = judged;
        this.expired = expired;
    }

    /** Whether any of the table's reference rules retries rows whose parent is missing. */
    static boolean retries(TableSpec table) {
        return table.rules().stream().anyMatch(r -> r instanceof RuleSpec.References ref && ref.retry().isPresent());
    }

    /**
     * The table's waiting rows judged again, or empty when none of its reference rules retries or
     * nothing waits.
     */
    static Optional<LateParents> find(SilverTableRun run) {
        TableSpec table = run.table();
        Map<String, Duration> windows = new LinkedHashMap<>();
        for (RuleSpec r : table.rules()) {
            if (r instanceof RuleSpec.References ref && ref.retry().isPresent()) {
                windows.put(ref.name(), ref.retry().get());
            }
        }
        SparkSession spark = run.spark();
        if (windows.isEmpty() || !DeltaTable.isDeltaTable(spark, run.quarantinePath())) {
            return Optional.empty();
        }
        Dataset<Row> quarantine = spark.read().format("delta").load(run.quarantinePath());
        if (!java.util.Arrays.asList(quarantine.columns()).contains(QuarantineWriter.STATUS)) {
            return Optional.empty();
        }
        Column retryRules = array(windows.keySet().stream().map(n -> lit(n)).toArray(Column[]::new));
        // The shortest window of the rules a row broke; its batch date starts it.
        List<Column> seconds = new ArrayList<>();
        windows.forEach((name, window) -> seconds.add(when(array_contains(col(QuarantineWriter.RULES), name),
                lit(window.toSeconds()))));
        Column deadline = unix_timestamp(col(BronzeColumns.BATCH_DATE).cast("timestamp"))
                .plus(seconds.size() == 1 ? seconds.get(0) : least(seconds.toArray(new Column[0])));
        long runStart = run.context().runDate().atStartOfDay(java.time.ZoneId.of(spark.conf()
                .get("spark.sql.session.timeZone"))).toEpochSecond();
        Dataset<Row> waiting = quarantine.where(col(QuarantineWriter.STATUS).equalTo(QuarantineWriter.QUARANTINED)
                        .and(size(array_except(col(QuarantineWriter.RULES), retryRules)).equalTo(0))
                        .and(col(BronzeColumns.INGEST_RUN_ID).isin(run.pending().toArray()).unary_$bang()))
                .withColumn("_expired", deadline.lt(lit(runStart)));
        List<String> line = List.of(BronzeColumns.INGEST_RUN_ID, BronzeColumns.SOURCE_FILE, BronzeColumns.SOURCE_LINE);
        Dataset<Row> expired = waiting.where(col("_expired")).select(line.stream().map(c -> col(c)).toArray(Column[]::new))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> retried = spark.read().format("delta").load(run.bronzePath())
                .join(waiting.where(col("_expired").unary_$bang()).select(line.stream().map(c -> col(c))
                        .toArray(Column[]::new)), Scala.seq(line), "left_semi");
        Dataset<Row> judged = run.judge(retried).persist(StorageLevel.MEMORY_AND_DISK());
        return Optional.of(new LateParents(judged, expired));
    }

    /** The retried rows that now pass: they join the batch's kept rows. */
    Dataset<Row> released() {
        return judged.where(col(RowRules.DISPOSITION).equalTo(RowRules.KEEP));
    }

    /** Marks the released rows' records {@code released} and the expired ones' {@code expired}, in one commit. */
    void mark(SparkSession spark, String quarantinePath) {
        Column[] key = {col(BronzeColumns.SOURCE_FILE), col(BronzeColumns.SOURCE_LINE)};
        QuarantineWriter.setStatus(spark, quarantinePath, released().select(key).withColumn(QuarantineWriter.NEW_STATUS,
                lit(RELEASED)).unionByName(expired.select(key).withColumn(QuarantineWriter.NEW_STATUS, lit(EXPIRED))));
    }

    long expiredCount() {
        return expired.count();
    }

    @Override
    public void close() {
        judged.unpersist();
        expired.unpersist();
    }
}
