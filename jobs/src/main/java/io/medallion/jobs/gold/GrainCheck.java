package io.medallion.jobs.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A gold model's declared grain, checked after each refresh as an implicit error-level constraint:
 * the grain columns are complete (no null) and unique over the whole model, so a join that fans
 * out, or a key that goes missing, fails the day it happens instead of inflating every sum after.
 */
final class GrainCheck {
    private static final int SAMPLES = 5;

    private GrainCheck() {
    }

    /** Why the model's rows break its grain, with sample values; empty when the grain holds. */
    static Optional<String> violation(SparkSession spark, String path, List<String> grain) {
        Column[] columns = grain.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new);
        Column anyNull = grain.stream().map(c -> col("`" + c + "`").isNull()).reduce(Column::or).orElseThrow();
        // One grouping gives both: how many grain values repeat, and how many rows have a null in the grain.
        Dataset<Row> groups = spark.read().format("delta").load(path).groupBy(columns).agg(count(lit(1)).as("_rows"));
        Row r = groups.agg(count(when(col("_rows").gt(1).and(anyNull.unary_$bang()), 1)),
                sum(when(col("_rows").gt(1).and(anyNull.unary_$bang()), col("_rows"))),
                sum(when(anyNull, col("_rows")))).first();
        long repeated = r.getLong(0);
        long nullRows = r.isNullAt(2) ? 0 : r.getLong(2);
        if (repeated == 0 && nullRows == 0) {
            return Optional.empty();
        }
        String declared = "grain [" + String.join(", ", grain) + "]";
        StringBuilder why = new StringBuilder();
        if (repeated > 0) {
            List<String> samples = groups.where(col("_rows").gt(1).and(anyNull.unary_$bang()))
                    .orderBy(col("_rows").desc()).limit(SAMPLES).collectAsList().stream()
                    .map(g -> describe(g, grain) + " x" + g.getLong(grain.size())).toList();
            why.append(String.format("%,d value(s) of the %s occur more than once, in %,d rows (e.g. %s)", repeated,
                    declared, r.getLong(1), String.join("; ", samples)));
        }
        if (nullRows > 0) {
            why.append(why.length() == 0 ? "" : "; ").append(String.format("%,d row(s) have a null in the %s",
                    nullRows, declared));
        }
        return Optional.of(why + ": the SQL yields more than one row per grain value (a join that fans out?) or "
                + "the grain is not what it declares");
    }

    private static String describe(Row group, List<String> grain) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < grain.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(grain.get(i)).append('=').append(group.get(i));
        }
        return text.toString();
    }
}
