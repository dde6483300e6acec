package io.medallion.jobs.silver;

/**
 * The zero-data-loss equation of a silver run on one table: every row read from bronze is
 * inserted, updated, unchanged, deleted (a change feed's delete applied), quarantined, dropped,
 * or a duplicate or older version of a kept row.
 */
record RowAccounting(long read, long inserted, long updated, long unchanged, long deleted, long quarantined,
                     long dropped, long duplicates) {

    long accountedFor() {
        return inserted + updated + unchanged + deleted + quarantined + dropped + duplicates;
    }

    /** @throws IllegalStateException naming every term when rows are missing or counted twice */
    void check(String table) {
        boolean negative = inserted < 0 || updated < 0 || unchanged < 0 || deleted < 0 || quarantined < 0
                || dropped < 0 || duplicates < 0;
        if (negative || accountedFor() != read) {
            throw new IllegalStateException(table + ": row accounting does not balance: read " + read + " != inserted "
                    + inserted + " + updated " + updated + " + unchanged " + unchanged + " + deleted " + deleted
                    + " + quarantined " + quarantined + " + dropped " + dropped + " + duplicates " + duplicates + " = "
                    + accountedFor() + "; nothing was recorded as applied, so the next run retries these bronze rows");
        }
    }
}
