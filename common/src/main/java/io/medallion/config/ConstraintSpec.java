package io.medallion.config;

import io.medallion.lake.TableRef;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One declared data-quality constraint of a table. Which of the optional settings apply depends
 * on the kind; the binder checks that each kind gets exactly the ones it needs.
 *
 * @param name unique within the table; defaults to the kind and its columns
 * @param columns the column(s) the constraint is about (none for size and predicate)
 * @param min lower bound of the measured value (size, sum, mean, approx_distinct, range, min)
 * @param max upper bound of the measured value (size, sum, mean, approx_distinct, range, max)
 * @param minFraction the share of rows that must pass, for row-level kinds
 * @param values allowed values (allowed_values)
 * @param regex the pattern (pattern)
 * @param predicate a Spark SQL boolean expression (predicate)
 * @param referencedTable the table the keys must exist in (references)
 * @param referencedColumns the key columns in that table (references)
 * @param metric the history an anomaly check watches: {@code row_count} or a constraint's name (anomaly)
 * @param maxDecrease the largest allowed fall, as a share of the previous value (anomaly)
 * @param maxIncrease the largest allowed rise, as a share of the previous value (anomaly)
 * @param where a Spark SQL condition: only the rows it selects are checked; empty for all rows
 */
public record ConstraintSpec(String name, ConstraintKind kind, Severity severity, List<String> columns,
                             OptionalDouble min, OptionalDouble max, double minFraction, List<String> values,
                             String regex, String predicate, Optional<TableRef> referencedTable,
                             List<String> referencedColumns, String metric, OptionalDouble maxDecrease,
                             OptionalDouble maxIncrease, String where) {
    public ConstraintSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        columns = List.copyOf(columns);
        values = List.copyOf(values);
        referencedColumns = List.copyOf(referencedColumns);
        where = where == null ? "" : where;
        Objects.requireNonNull(referencedTable, "referencedTable");
    }

    /** What a failed constraint does to the run. */
    public enum Severity {
        /** The quality run exits 3. */
        ERROR,
        /** Reported and logged; the run still exits 0. */
        WARNING;

        public String specName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
