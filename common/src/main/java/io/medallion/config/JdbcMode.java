package io.medallion.config;

/** How a database table is extracted into bronze. */
public enum JdbcMode {
    /** The rows above the last extract's high-water mark, up to a cutoff fixed at run start. */
    INCREMENTAL,
    /** The whole table each run; silver derives inserts, updates and deletes from it. */
    SNAPSHOT
}
