package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.DeltaTables;
import io.delta.tables.DeltaMergeBuilder;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code silver._quarantine_<table>}: the rows silver kept out, one per bronze line, with the
 * silver run id, the raw row, every rule it broke and the parse error if any. Keyed by the bronze
 * line, so reprocessing a batch after a crash does not quarantine a row twice.
 *
 * <p>A record's {@code status} is {@code quarantined}, or {@code held} when the table's gate held
 * its batch: nothing of that batch reached silver, and the rerun judges its rows again. So a held
 * record is replaced by the rerun's record of the same line, or removed when the line now passes.
 */
final class QuarantineWriter {
    static final String RUN_ID = "run_id";
    static final String RULES = "rules";
    static final String REASON = "reason";
    static final String RAW = "raw";
    static final String QUARANTINED_AT = "quarantined_at";
    static final String STATUS = "status";
    static final String QUARANTINED = "quarantined";
    static final String HELD = "held";
    /** The column of {@link #setStatus}'s moves that holds a record's new status. */
    static final String NEW_STATUS = "_new_status";
    /** The rule name of a bronze line that did not parse. */
    static final String PARSE_ERROR_RULE = "parse_error";

    private QuarantineWriter() {
    }

    /** Bronze lines that did not parse, as quarantine records under rule {@code parse_error}. */
    static Dataset<Row> unparsed(Dataset<Row> bronze) {
        return records(bronze.where(col(BronzeColumns.PARSE_ERROR).isNotNull()),
                array(lit(PARSE_ERROR_RULE)), col(BronzeColumns.PARSE_ERROR), col(BronzeColumns.RAW));
    }

    /** Judged rows whose rules keep them out of silver ({@code quarantine} or {@code fail}), with every rule broken. */
    static Dataset<Row> rejected(Dataset<Row> judged) {
        return records(judged.where(col(RowRules.DISPOSITION).isin("quarantine", "fail")),
                col(RowRules.VIOLATIONS), lit(null).cast("string"), col(RAW));
    }

    private static Dataset<Row> records(Dataset<Row> rows, Column rules, Column reason, Column raw) {
        return rows.select(col(BronzeColumns.INGEST_RUN_ID), col(BronzeColumns.SOURCE_FILE),
                col(BronzeColumns.SOURCE_LINE), col(BronzeColumns.BATCH_DATE), rules.as(RULES), reason.as(REASON),
                raw.as(RAW));
    }

    /**
     * Stores the records of one run over the given bronze runs; a bronze line already in quarantine
     * (a batch reprocessed after a crash) is stored once, and the held records of those bronze runs
     * give way to this run's judgement. The caller counts what it quarantined from the rules'
     * decisions, not from here.
     *
     * @param rows bronze lines with {@code rules} (array of rule names), {@code reason} and {@code raw};
     *     null when the run rejected none
     * @param held whether the table's gate held this batch
     */
    static void write(SparkSession spark, String path, Dataset<Row> rows, String runId, boolean held,
                      Set<String> bronzeRuns) {
        boolean exists = DeltaTable.isDeltaTable(spark, path);
        boolean replacesHeld = exists && holdsAny(spark, path, bronzeRuns);
        if (rows == null) {
            if (replacesHeld) {
                DeltaTable.forPath(spark, path).delete(heldOf(bronzeRuns, ""));
            }
            return;
        }
        Column[] columns = {lit(runId).as(RUN_ID), col(BronzeColumns.INGEST_RUN_ID), col(BronzeColumns.SOURCE_FILE),
            col(BronzeColumns.SOURCE_LINE), col(BronzeColumns.BATCH_DATE), col(RULES), col(REASON), col(RAW),
            current_timestamp().as(QUARANTINED_AT), lit(held ? HELD : QUARANTINED).as(STATUS)};
        Dataset<Row> records = rows.select(columns);
        if (!exists && DeltaTables.createIfMissing(spark, path, records, List.of())) {
            DeltaTables.appendToNew(spark, path, records);
            return;
        }
        addStatusColumn(spark, path);
        DeltaMergeBuilder merge = DeltaTable.forPath(spark, path).as("q")
                .merge(records.as("n"), "q._source_file = n._source_file AND q._source_line = n._source_line");
        if (replacesHeld) {
            // Only then: without these clauses Delta runs an insert-only MERGE, which rewrites no file.
            merge = merge.whenMatched("q." + STATUS + " = '" + HELD + "'").updateAll()
                    .whenNotMatchedBySource(heldOf(bronzeRuns, "q.")).delete();
        }
        merge.whenNotMatched().insertAll().execute();
    }

    /**
     * Sets the status of the records of the given bronze lines, in one commit.
     *
     * @param moves {@code _source_file}, {@code _source_line} and {@link #NEW_STATUS}, a line once
     */
    static void setStatus(SparkSession spark, String path, Dataset<Row> moves) {
        DeltaTable.forPath(spark, path).as("q")
                .merge(moves.as("m"), "q._source_file = m._source_file AND q._source_line = m._source_line")
                .whenMatched().updateExpr(java.util.Map.of(STATUS, "m." + NEW_STATUS))
                .execute();
    }

    /**
     * Removes the records still waiting (quarantined, held or expired), before a rebuild judges every
     * bronze line again and records what it rejects; released and dropped records stay, as history.
     */
    static void clearWaiting(SparkSession spark, String path) {
        if (DeltaTable.isDeltaTable(spark, path)) {
            addStatusColumn(spark, path);
            DeltaTable.forPath(spark, path).delete(col(STATUS).isin(QUARANTINED, HELD, LateParents.EXPIRED));
        }
    }

    /** Whether the table holds records of a held batch of these bronze runs. */
    private static boolean holdsAny(SparkSession spark, String path, Set<String> bronzeRuns) {
        Dataset<Row> q = spark.read().format("delta").load(path);
        return java.util.Arrays.asList(q.columns()).contains(STATUS) && !q.where(heldOf(bronzeRuns, "")).isEmpty();
    }

    /** @param alias the quarantine table's alias and a dot, or empty */
    private static Column heldOf(Set<String> bronzeRuns, String alias) {
        return col(alias + STATUS).equalTo(HELD)
                .and(col(alias + BronzeColumns.INGEST_RUN_ID).isin(bronzeRuns.toArray()));
    }

    /** Quarantine tables written before records had a status: their records are all {@code quarantined}. */
    static void addStatusColumn(SparkSession spark, String path) {
        if (!java.util.Arrays.asList(spark.read().format("delta").load(path).columns()).contains(STATUS)) {
            spark.sql("ALTER TABLE delta.`" + path + "` ADD COLUMNS (" + STATUS + " STRING)");
            DeltaTable.forPath(spark, path).update(col(STATUS).isNull(), java.util.Map.of(STATUS, lit(QUARANTINED)));
        }
    }
}
