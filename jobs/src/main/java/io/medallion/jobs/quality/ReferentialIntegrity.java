package io.medallion.jobs.quality;

import static org.apache.spark.sql.functions.col;

import io.medallion.config.ConstraintKind;
import io.medallion.config.ConstraintSpec;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code references} constraint, which Deequ has no operator for: the share of rows whose
 * non-null key is found in the referenced table, by an anti join.
 */
final class ReferentialIntegrity {
    private ReferentialIntegrity() {
    }

    static ConstraintOutcome check(Dataset<Row> data, ConstraintSpec spec, Dataset<Row> referenced) {
        if (spec.kind() != ConstraintKind.REFERENCES) {
            throw new IllegalArgumentException(spec.name() + " is not a references constraint");
        }
        List<String> keys = spec.columns();
        Column present = null;
        for (String k : keys) {
            present = present == null ? col(k).isNotNull() : present.and(col(k).isNotNull());
        }
        Dataset<Row> checked = spec.where().isEmpty() ? data : data.where(spec.where());
        Dataset<Row> rows = checked.select(keys.stream().map(k -> col("`" + k + "`")).toArray(Column[]::new))
                .where(present);
        Column[] refColumns = new Column[keys.size()];
        Column matches = null;
        for (int i = 0; i < keys.size(); i++) {
            refColumns[i] = col("`" + spec.referencedColumns().get(i) + "`").as("_ref_" + i);
            Column equal = rows.col("`" + keys.get(i) + "`").equalTo(col("_ref_" + i));
            matches = matches == null ? equal : matches.and(equal);
        }
        Dataset<Row> known = referenced.select(refColumns).distinct();
        long total = rows.count();
        long missing = rows.join(known, matches, "left_anti").count();
        double share = total == 0 ? 1.0 : (double) (total - missing) / total;
        boolean passed = share >= spec.minFraction();
        String message = passed ? "" : String.format("%,d of %,d rows have a %s not found in %s (%s); %.4f of rows "
                + "comply, at least %s required", missing, total, String.join(", ", keys), spec.referencedTable().orElseThrow(),
                String.join(", ", spec.referencedColumns()), share, spec.minFraction());
        return new ConstraintOutcome(spec, passed, share, message);
    }
}
