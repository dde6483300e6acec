package io.medallion.jobs.quality;

import io.medallion.config.ConstraintSpec;

/**
 * How one declared constraint fared.
 *
 * @param metricValue the measured value (a share of rows, a count, a sum …), or null when it could not be computed
 * @param message why it failed; empty when it passed
 */
record ConstraintOutcome(ConstraintSpec spec, boolean passed, Double metricValue, String message) {
    /** An error-level constraint that failed: the run exits 3. */
    boolean failsTheGate() {
        return !passed && spec.severity() == ConstraintSpec.Severity.ERROR;
    }
}
