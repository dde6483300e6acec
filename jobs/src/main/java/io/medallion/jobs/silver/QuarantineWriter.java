package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.DeltaTables;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code silver._quarantine_<table>}: the rows silver kept out, one per bronze line, with the
 * silver run id, the raw row, every rule it broke and the parse error if any. Keyed by the bronze
 * line, so reprocessing a batch after a crash does not quarantine a row twice.
 */
final class QuarantineWriter {
    static final String RUN_ID = "run_id";
    static final String RULES = "rules";
    static final String REASON = "reason";
    static final String RAW = "raw";
    static final String QUARANTINED_AT = "quarantined_at";
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
     * Stores the records; a bronze line already in quarantine (a batch reprocessed after a crash) is
     * stored once. The caller counts what it quarantined from the rules' decisions, not from here.
     *
     * @param rows bronze lines with {@code rules} (array of rule names), {@code reason} and {@code raw}
     */
    static void write(SparkSession spark, String path, Dataset<Row> rows, String runId) {
        Column[] columns = {lit(runId).as(RUN_ID), col(BronzeColumns.INGEST_RUN_ID), col(BronzeColumns.SOURCE_FILE),
            col(BronzeColumns.SOURCE_LINE), col(BronzeColumns.BATCH_DATE), col(RULES), col(REASON), col(RAW),
            current_timestamp().as(QUARANTINED_AT)};
        Dataset<Row> records = rows.select(columns);
        if (DeltaTables.createIfMissing(spark, path, records, java.util.List.of())) {
            DeltaTables.appendToNew(spark, path, records);
            return;
        }
        DeltaTable.forPath(spark, path).as("q")
                .merge(records.as("n"), "q._source_file = n._source_file AND q._source_line = n._source_line")
                .whenNotMatched().insertAll()
                .execute();
    }
}
