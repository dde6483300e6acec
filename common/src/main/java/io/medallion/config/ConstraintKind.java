package io.medallion.config;

import java.util.Locale;

/**
 * The kinds of data-quality constraint a spec may declare on a table, by their spec names. Each
 * is one Deequ constraint, except {@link #REFERENCES}, which Deequ has no operator for, and
 * {@link #ANOMALY}, which watches a metric's history. Every kind but anomaly takes {@code where},
 * a SQL condition selecting the rows to check.
 */
public enum ConstraintKind {
    /** Row count within {@code min}/{@code max}. */
    SIZE,
    /** Share of non-null values in {@code column} at least {@code min_fraction} (default 1: no nulls). */
    COMPLETE,
    /** Share of rows whose {@code columns} value occurs once at least {@code min_fraction} (default 1). */
    UNIQUE,
    /** Share of rows whose {@code column} is one of {@code values} at least {@code min_fraction} (default 1). */
    ALLOWED_VALUES,
    /** Smallest value of {@code column} at least {@code value}. */
    MIN,
    /** Largest value of {@code column} at most {@code value}. */
    MAX,
    /** Share of rows with {@code column} in [{@code min}, {@code max}] at least {@code min_fraction} (default 1). */
    RANGE,
    /** Share of rows whose {@code column} matches {@code regex} at least {@code min_fraction} (default 1). */
    PATTERN,
    /** Share of rows whose {@code column} is an email address at least {@code min_fraction}. */
    EMAIL,
    /** Share of rows with {@code column} at least 0 at least {@code min_fraction} (default 1). */
    NON_NEGATIVE,
    /** Sum of {@code column} within {@code min}/{@code max}. */
    SUM,
    /** Mean of {@code column} within {@code min}/{@code max}. */
    MEAN,
    /** Approximate count of distinct {@code column} values within {@code min}/{@code max}. */
    APPROX_DISTINCT,
    /** Share of rows for which the SQL {@code predicate} holds at least {@code min_fraction} (default 1). */
    PREDICATE,
    /** Share of non-null {@code columns} keys found in {@code table}'s {@code to} columns at least {@code min_fraction}. */
    REFERENCES,
    /**
     * The {@code metric} ({@code row_count}, or another constraint's name on the table) may not
     * fall by more than {@code max_decrease} nor rise by more than {@code max_increase} (shares of
     * the previous value) against the latest earlier run date.
     */
    ANOMALY;

    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
