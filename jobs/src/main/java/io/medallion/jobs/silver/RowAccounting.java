package io.medallion.jobs.silver;

/**
 * The zero-data-loss equation of a silver run on one table: every row read from bronze, and every
 * row released from quarantine (its late parent arrived), is inserted, updated, unchanged, deleted
 * (a change feed's delete applied), quarantined, dropped, a duplicate or older version of a kept
 * row, or held: a valid row of a batch whose quality gate held it out of silver until the rerun
 * after a fix.
 */
record RowAccounting(long read, long released, long inserted, long updated, long unchanged, long deleted,
                     long quarantined, long dropped, long duplicates, long held) {

    /** A run whose batch was applied, with nothing released from quarantine and nothing held. */
    RowAccounting(long read, long inserted, long updated, long unchanged, long deleted, long quarantined,
                  long dropped, long duplicates) {
        this(read, 0, inserted, updated, unchanged, deleted, quarantined, dropped, duplicates, 0);
    }

    /** A batch the gate held: nothing merged, so every valid row is held. */
    static RowAccounting heldBatch(long read, long quarantined, long dropped, long held) {
        return new RowAccounting(read, 0, 0, 0, 0, 0, quarantined, dropped, 0, held);
    }

    long accountedFor() {
        return inserted + updated + unchanged + deleted + quarantined + dropped + duplicates + held;
    }

    /** @throws IllegalStateException naming every term when rows are missing or counted twice */
    void check(String table) {
        boolean negative = released < 0 || inserted < 0 || updated < 0 || unchanged < 0 || deleted < 0
                || quarantined < 0 || dropped < 0 || duplicates < 0 || held < 0;
        if (negative || accountedFor() != read + released) {
            throw new IllegalStateException(table + ": row accounting does not balance: read " + read
                    + (released == 0 ? "" : " + released from quarantine " + released) + " != inserted "
                    + inserted + " + updated " + updated + " + unchanged " + unchanged + " + deleted " + deleted
                    + " + quarantined " + quarantined + " + dropped " + dropped + " + duplicates " + duplicates
                    + (held == 0 ? "" : " + held " + held) + " = " + accountedFor()
                    + "; nothing was recorded as applied, so the next run retries these bronze rows");
        }
    }
}
