package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the rules decided for the judged rows, counted in one pass: kept (of which warned),
 * dropped, quarantined and failing rows, and how many distinct keys the kept rows have.
 */
record DispositionCounts(long kept, long warned, long dropped, long quarantined, long failing, long keptKeys) {

    /** @param scope which judged rows to count (a change feed judges its whole history but counts this run's) */
    static DispositionCounts of(Dataset<Row> judged, Column scope, List<String> key) {
        Column disposition = col(RowRules.DISPOSITION);
        Column kept = scope.and(disposition.equalTo(RowRules.KEEP));
        Row r = judged.agg(
                count(when(kept, 1)),
                count(when(kept.and(size(col(RowRules.VIOLATIONS)).gt(0)), 1)),
                count(when(scope.and(disposition.equalTo("drop")), 1)),
                count(when(scope.and(disposition.equalTo("quarantine")), 1)),
                count(when(scope.and(disposition.equalTo("fail")), 1)),
                count_distinct(when(kept, struct(key.stream().map(k -> col(k)).toArray(Column[]::new)))))
                .first();
        return new DispositionCounts(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4),
                r.getLong(5));
    }
}
