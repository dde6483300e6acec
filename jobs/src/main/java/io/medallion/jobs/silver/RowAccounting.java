package io.medallion.jobs.silver;

/**
 * The zero-data-loss equation of a silver run on one table: every row read from bronze is
 * inserted, updated, unchanged, quarantined, dropped, or a duplicate of a kept row.
 */
record RowAccounting(long read, long inserted, long updated, long unchanged, long quarantined, long dropped,
                     long duplicates) {

    long accountedFor() {
        return inserted + updated + unchanged + quarantined + dropped + duplicates;
    }

    /** @throws IllegalStateException naming every term when rows are missing or counted twice */
    void check(String table) {
        if (accountedFor() != read) {
            throw new IllegalStateException(table + ": row accounting does not balance: read " + read + " != inserted "
                    + inserted + " + updated " + updated + " + unchanged " + unchanged + " + quarantined " + quarantined
                    + " + dropped " + dropped + " + duplicates " + duplicates + " = " + accountedFor()
                    + "; nothing was recorded as applied, so the next run retries these bronze rows");
        }
    }
}
