package io.medallion.jobs.cli;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every Spark job takes. */
public final class JobOptions {
    @Option(names = "--run-date", paramLabel = "YYYY-MM-DD",
            description = {"The logical date of the run: the batches up to this date are processed",
                "(default: today, UTC)."})
    LocalDate runDate;

    @Option(names = "--table", paramLabel = "TABLE",
            description = "Only this table (repeatable; default: every table in the spec).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A Spark setting that wins over the profile and the spec (repeatable).")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    LocalDate runDateOrToday() {
        return runDate != null ? runDate : LocalDate.now(ZoneOffset.UTC);
    }
}
