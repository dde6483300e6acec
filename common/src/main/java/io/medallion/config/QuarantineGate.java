package io.medallion.config;

/** What silver does with a table's batch when its quality gate fails (a fail rule broken, or too much quarantined). */
public enum QuarantineGate {
    /**
     * Merge nothing of the batch and leave it unapplied, so the pipeline stops before gold and the
     * rerun after a fix processes it once. Its quarantine is written, marked held, for inspection.
     */
    HOLD,
    /** Merge the batch's valid rows and mark it applied, then exit 3. */
    COMMIT
}
