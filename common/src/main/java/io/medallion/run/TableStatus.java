package io.medallion.run;

import java.util.Locale;

/** The status of one job's work on one table, as recorded in the ledger. */
public enum TableStatus {
    RUNNING, SUCCEEDED, FAILED, QUALITY_FAILED;

    public String ledgerName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
