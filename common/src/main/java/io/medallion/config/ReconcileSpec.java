package io.medallion.config;

import java.io.Serializable;

/**
 * How {@code reconcile} judges a database table against the lake ({@code tables.<t>.reconcile}).
 *
 * @param maxDiscrepancy the share of keys that may be missing, extra or different before the
 *     table fails (exit 3); 0 accepts none
 * @param sampleKeys how many keys of each kind of difference are listed
 * @param declared whether the spec has the section: the pipeline reconciles only such tables
 */
public record ReconcileSpec(double maxDiscrepancy, int sampleKeys, boolean declared) implements Serializable {
    /** The defaults, for a table without the section that {@code reconcile} is asked about. */
    public static final ReconcileSpec DEFAULT = new ReconcileSpec(SpecKeys.MAX_DISCREPANCY.defaultValue(),
            SpecKeys.SAMPLE_KEYS.defaultValue(), false);

    public ReconcileSpec {
        if (!(maxDiscrepancy >= 0 && maxDiscrepancy <= 1)) {
            throw new IllegalArgumentException("maxDiscrepancy must be 0..1");
        }
        if (sampleKeys < 0) {
            throw new IllegalArgumentException("sampleKeys must be >= 0");
        }
    }
}
