package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** How many rows silver runs kept out of a table, by the rule they broke. */
public final class QuarantineCounts {
    private QuarantineCounts() {
    }

    /**
     * Per rule, the rows the given silver runs quarantined in the table at {@code path}; a row that
     * broke two rules counts under each. Empty when the table has no quarantine.
     */
    public static Map<String, Long> byRule(SparkSession spark, String path, Collection<String> runIds) {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (runIds.isEmpty() || !io.delta.tables.DeltaTable.isDeltaTable(spark, path)) {
            return counts;
        }
        for (Row r : spark.read().format("delta").load(path).where(col(QuarantineWriter.RUN_ID).isin(runIds.toArray()))
                .select(explode(col(QuarantineWriter.RULES)).as("rule")).groupBy("rule").count().orderBy(col("count")
                        .desc(), col("rule")).collectAsList()) {
            counts.put(r.getString(0), r.getLong(1));
        }
        return counts;
    }
}
