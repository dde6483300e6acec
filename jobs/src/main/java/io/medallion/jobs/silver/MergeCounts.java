package io.medallion.jobs.silver;

/**
 * What a MERGE did to the target: rows inserted, rows updated, source rows that changed nothing,
 * and target rows deleted because a snapshot no longer holds their key.
 */
record MergeCounts(long inserted, long updated, long unchanged, long deleted) {
    MergeCounts(long inserted, long updated, long unchanged) {
        this(inserted, updated, unchanged, 0);
    }
}
