package io.medallion.testing;

import static org.apache.spark.sql.functions.col;

import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What tests read back from a lake's run ledger, {@code ops/runs}. */
public final class TestLedger {
    private TestLedger() {
    }

    /** The latest ended ledger row of the job on the table. */
    public static Row last(SparkSession spark, String lake, String job, String table) {
        return spark.read().format("delta").load(lake + "/ops/runs")
                .where(col("job").equalTo(job).and(col("status").notEqual("running")).and(col("table_name").equalTo(table)))
                .orderBy(col("ended_at").desc()).first();
    }

    /** A ledger row's metrics map. */
    public static Map<String, String> metrics(Row run) {
        return run.getJavaMap(run.fieldIndex("metrics"));
    }
}
