package io.medallion.config;

/** How silver stores a column holding personal data; the raw value stays only in bronze. */
public enum Pii {
    NONE,
    /** A salted SHA-256 of the value: joinable, not readable. The salt comes from the environment. */
    HASH,
    /** The value with all but its last characters replaced: readable shape, no content. */
    MASK
}
