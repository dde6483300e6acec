package io.medallion.jobs.sample;

import java.util.Locale;

/**
 * The defects the generator injects on top of clean TPC-H data. Every defect that adds a line
 * ({@link #addsLine()}) is an extra line, never a change to a clean one, so removing exactly
 * the lines the manifest lists gives back the clean tables.
 */
public enum Defect {
    /** The same line twice in one batch. */
    DUPLICATE(0.002, true),
    /** A line of an earlier batch sent again, unchanged, in a later one. */
    REPLAY(0.002, true),
    /** A new key whose required column is empty. */
    NULL_REQUIRED(0.001, true),
    /** A new line item key with a negative quantity. */
    NEGATIVE_QUANTITY(0.001, true),
    /** A new line item key with a discount above 0.10. */
    DISCOUNT_OUT_OF_RANGE(0.001, true),
    /** A new customer whose phone is not in TPC-H's format. */
    MALFORMED_PHONE(0.005, true),
    /** A new order dated outside TPC-H's 1992-01-01..1998-12-31. */
    ORDERDATE_OUT_OF_RANGE(0.001, true),
    /** A line item whose order does not exist. */
    ORPHAN(0.001, true),
    /** A line with a field missing. */
    BAD_FIELD_COUNT(0.0005, true),
    /** A line whose number field is not a number. */
    BAD_NUMBER(0.0005, true),
    /** A line whose date field is not a date. */
    BAD_DATE(0.0005, true),
    /** A change event cut off mid-object. */
    BROKEN_JSON(0.003, true),
    /**
     * Parquet only, where no line can be garbled: a file of new line items in the last batch whose
     * {@code l_quantity} is text. The rate is the chance that the file is written.
     */
    WRONG_TYPE_FILE(1.0, true),
    /** A clean order (with its line items) that arrives in a later batch than its date belongs to. */
    LATE(0.01, false),
    /**
     * A clean order that arrives one batch after its line items, which then wait for it (a
     * reference rule with {@code retry}). Off unless a rate is given: the TPC-H spec's
     * {@code order_exists} does not retry, and would keep those line items in quarantine.
     */
    LATE_ORDER(0.0, false),
    /** A clean change event carrying a column the spec does not declare (batch 2 onwards). */
    SCHEMA_DRIFT(1.0, false);

    private final double defaultRate;
    private final boolean addsLine;

    Defect(double defaultRate, boolean addsLine) {
        this.defaultRate = defaultRate;
        this.addsLine = addsLine;
    }

    public double defaultRate() {
        return defaultRate;
    }

    /** Whether the defect is an extra line (to remove to get clean data) rather than a clean line moved or widened. */
    public boolean addsLine() {
        return addsLine;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Defect fromKey(String key) {
        for (Defect d : values()) {
            if (d.key().equals(key.trim().toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown defect '" + key + "'; valid: " + validKeys());
    }

    public static String validKeys() {
        StringBuilder sb = new StringBuilder();
        for (Defect d : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(d.key());
        }
        return sb.toString();
    }
}
