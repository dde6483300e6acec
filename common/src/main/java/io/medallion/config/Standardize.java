package io.medallion.config;

/**
 * A normalisation silver applies to a text column. Text is kept as it arrived unless one is
 * declared (free text such as comments may carry meaningful spaces); every kind but NONE trims.
 */
public enum Standardize {
    NONE,
    TRIM,
    UPPER,
    LOWER,
    /** Digits only, grouped as written in TPC-H ({@code 25-989-741-2988}). */
    PHONE,
    /** Trimmed and lower-cased. */
    EMAIL
}
