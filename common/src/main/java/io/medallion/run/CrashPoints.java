package io.medallion.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named points where a job can be made to die on purpose, to prove that what it leaves behind
 * is recovered by the next run. Off unless the JVM is started with
 * {@code -Dmedallion.crash-at=<point>}; then the process halts at once, like a killed executor
 * host would, without closing anything.
 */
public final class CrashPoints {
    public static final String PROPERTY = "medallion.crash-at";
    /** Exit status of a deliberate crash. */
    public static final int CRASH_STATUS = 137;

    private static final Logger LOG = LoggerFactory.getLogger(CrashPoints.class);

    private CrashPoints() {
    }

    public static void reached(String point) {
        if (point.equals(System.getProperty(PROPERTY))) {
            LOG.error("crashing on purpose at {} ({}={})", point, PROPERTY, point);
            Runtime.getRuntime().halt(CRASH_STATUS);
        }
    }
}
