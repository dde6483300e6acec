package io.medallion.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named faults a test can switch on with {@code -Dmedallion.fault=<name>}, to prove that a
 * guard catches what it guards against in a real run (a row lost between two steps, say).
 * Off unless that property names the fault.
 */
public final class Faults {
    public static final String PROPERTY = "medallion.fault";

    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);

    private Faults() {
    }

    public static boolean injected(String fault) {
        boolean on = fault.equals(System.getProperty(PROPERTY));
        if (on) {
            LOG.error("injecting fault {} on purpose ({}={})", fault, PROPERTY, fault);
        }
        return on;
    }
}
