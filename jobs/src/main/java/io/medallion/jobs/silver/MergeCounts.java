package io.medallion.jobs.silver;

/** What a MERGE did to the target: rows inserted, rows updated, source rows that changed nothing. */
record MergeCounts(long inserted, long updated, long unchanged) {
}
