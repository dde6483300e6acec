package io.medallion.config;

import java.util.Locale;

/** What silver does with a row that breaks a rule. */
public enum RuleAction {
    /** Keep the row out of silver, in {@code silver._quarantine_<table>}, with the names of the rules it broke. */
    QUARANTINE,
    /** Leave the row out and count it. */
    DROP,
    /** Keep the row and count it. */
    WARN,
    /** Fail the run with exit code 3. */
    FAIL;

    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
