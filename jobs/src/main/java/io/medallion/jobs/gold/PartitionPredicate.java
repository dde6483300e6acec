package io.medallion.jobs.gold;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/** A SQL predicate that selects one partition, such as {@code (`order_month` = DATE'1995-03-01')}. */
final class PartitionPredicate {
    private PartitionPredicate() {
    }

    static String of(List<String> columns, Row values) {
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Object v = values.get(i);
            String column = "`" + columns.get(i) + "`";
            terms.add(v == null ? column + " IS NULL" : column + " = " + literal(v));
        }
        return "(" + String.join(" AND ", terms) + ")";
    }

    static String literal(Object v) {
        if (v instanceof java.sql.Date d) {
            return "DATE'" + d.toLocalDate() + "'";
        }
        if (v instanceof LocalDate d) {
            return "DATE'" + d + "'";
        }
        if (v instanceof Number n) {
            return n.toString();
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        return "'" + v.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
