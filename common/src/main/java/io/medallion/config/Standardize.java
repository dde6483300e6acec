package io.medallion.config;

/** A normalisation silver applies to a text column after trimming it. */
public enum Standardize {
    NONE,
    UPPER,
    LOWER,
    /** Digits only, grouped as written in TPC-H ({@code 25-989-741-2988}). */
    PHONE,
    /** Trimmed and lower-cased. */
    EMAIL
}
