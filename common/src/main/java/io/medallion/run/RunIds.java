package io.medallion.run;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/** Run ids sort by start time and say which job they belong to: {@code 20240101T120000Z-bronze-3f9a1c}. */
public final class RunIds {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private RunIds() {
    }

    public static String next(String job, Instant startedAt) {
        return STAMP.format(startedAt) + "-" + job + "-" + UUID.randomUUID().toString().substring(0, 6);
    }
}
