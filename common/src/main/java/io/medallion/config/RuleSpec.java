package io.medallion.config;

import java.util.List;
import java.util.Objects;

/**
 * A row rule declared on a table. Each kind names the column(s) it reads; the name is what
 * quarantined rows and counts report.
 */
public sealed interface RuleSpec {
    String name();

    RuleAction action();

    /** A SQL boolean expression that must be true (null counts as broken). */
    record Check(String name, RuleAction action, String expression) implements RuleSpec {
        public Check {
            Objects.requireNonNull(name);
            Objects.requireNonNull(action);
            Objects.requireNonNull(expression);
        }
    }

    /** The column's value lies within [min, max]; either bound may be absent. Values as written in the spec. */
    record Range(String name, RuleAction action, String column, String min, String max) implements RuleSpec {
        public Range {
            Objects.requireNonNull(name);
            Objects.requireNonNull(action);
            Objects.requireNonNull(column);
        }
    }

    /** The column's value is one of a list. */
    record Allowed(String name, RuleAction action, String column, List<String> values) implements RuleSpec {
        public Allowed {
            Objects.requireNonNull(name);
            Objects.requireNonNull(action);
            Objects.requireNonNull(column);
            values = List.copyOf(values);
        }
    }

    /** The column's text matches a regular expression (Java syntax, whole value). */
    record Pattern(String name, RuleAction action, String column, String regex) implements RuleSpec {
        public Pattern {
            Objects.requireNonNull(name);
            Objects.requireNonNull(action);
            Objects.requireNonNull(column);
            Objects.requireNonNull(regex);
        }
    }

    /**
     * The column's value exists as {@code refColumn} of silver table {@code table} (e.g. lineitem -> orders).
     *
     * @param retry how long after its batch date a row quarantined only for a missing parent is judged
     *     again in each silver run, in case the parent arrives late; empty when it is not retried
     */
    record References(String name, RuleAction action, String column, String table, String refColumn,
                      java.util.Optional<java.time.Duration> retry) implements RuleSpec {
        public References {
            Objects.requireNonNull(name);
            Objects.requireNonNull(action);
            Objects.requireNonNull(column);
            Objects.requireNonNull(table);
            Objects.requireNonNull(refColumn);
            Objects.requireNonNull(retry);
        }

        /** A reference that is not retried. */
        public References(String name, RuleAction action, String column, String table, String refColumn) {
            this(name, action, column, table, refColumn, java.util.Optional.empty());
        }
    }
}
