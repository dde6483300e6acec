package io.medallion.jobs.gold;

import static org.apache.spark.sql.functions.col;

import io.medallion.lake.LakePaths;
import io.medallion.lake.OpsTable;
import io.medallion.lake.TableRef;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.gold_progress}: for each model, the version of every input table its last
 * successful refresh read, and a hash of its SQL. The next run reads the input changes after
 * those versions; a changed SQL file means a full rebuild.
 */
final class GoldProgress {
    static final String TABLE = "gold_progress";

    static final StructType SCHEMA = StructType.fromDDL(
            "model STRING NOT NULL, input STRING NOT NULL, input_version BIGINT NOT NULL, "
            + "sql_sha256 STRING NOT NULL, run_id STRING NOT NULL, recorded_at TIMESTAMP NOT NULL");

    /** What a model's last refresh read. */
    record Snapshot(Map<TableRef, Long> versions, String sqlSha256) {
    }

    private final OpsTable table;

    GoldProgress(SparkSession spark, LakePaths lake) {
        this.table = OpsTable.in(spark, lake, TABLE, SCHEMA);
    }

    /** What each model's last recorded refresh read: one read of the table for all models. */
    Map<String, Snapshot> lastByModel() {
        Map<String, Snapshot> last = new HashMap<>();
        Optional<Dataset<Row>> recorded = table.read();
        if (recorded.isEmpty()) {
            return last;
        }
        Map<String, String> lastRun = new HashMap<>();
        List<Row> rows = recorded.get().orderBy(col("recorded_at").desc()).collectAsList();
        for (Row r : rows) {
            String model = r.getAs("model");
            String run = lastRun.computeIfAbsent(model, m -> r.getAs("run_id"));
            if (run.equals(r.getAs("run_id"))) {
                last.computeIfAbsent(model, m -> new Snapshot(new HashMap<>(), r.getAs("sql_sha256")))
                        .versions().put(TableRef.parse(r.getAs("input")), r.getAs("input_version"));
            }
        }
        return last;
    }

    /** Records, in one commit, what each model's refresh read; nothing when no model refreshed. */
    void record(Map<String, Snapshot> readByModel, String runId) {
        List<Row> rows = new ArrayList<>();
        Timestamp now = Timestamp.from(Instant.now());
        readByModel.forEach((model, read) -> read.versions().forEach((input, version) ->
                rows.add(RowFactory.create(model, input.toString(), version, read.sqlSha256(), runId, now))));
        table.append(rows);
    }
}
