package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.jobs.pipeline.Pipeline;
import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import io.medallion.run.JobRunner;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code medallion pipeline}. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {
            "Run bronze -> silver -> quality -> gold -> quality for one run date, or a range of dates, in one",
            "Spark session (a quality stage runs when the spec declares constraints on that layer), then",
            "maintain once when the spec has a maintenance section.",
            "",
            "Database tables whose spec has a reconcile section are reconciled with silver right after it.",
            "Runs the stages in order (gold when the spec declares models), stops at the first stage that does",
            "not succeed and exits with that stage's code. With --from and --to, runs every date of the range",
            "in order (a backfill), and maintain after the last.",
            "Each stage writes its own ledger rows, as when run alone."
        })
final class PipelineCommand extends SparkCommand {
    @Mixin
    JobOptions jobOptions;

    @Option(names = "--table", paramLabel = "TABLE",
            description = {"Only this spec table through bronze and silver, as orders, bronze.orders or",
                "silver.orders (repeatable; default: every table). Gold and its gate run on every model."})
    List<String> tables = new ArrayList<>();

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First run date of a backfill (with --to).")
    LocalDate from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last run date of a backfill (with --from).")
    LocalDate to;

    @Override
    java.time.Duration lockWait() {
        return jobOptions.lockWait();
    }

    /** Bronze and silver of the selected tables, every model, and what maintain works on. */
    @Override
    List<TableRef> writes(PipelineSpec spec) {
        java.util.Set<TableRef> writes = new java.util.LinkedHashSet<>();
        for (TableSpec t : TableSelection.specTables(spec, tables, Layer.BRONZE, Layer.SILVER)) {
            writes.add(TableRef.bronze(t.name()));
            writes.add(TableRef.silver(t.name()));
        }
        spec.gold().keySet().forEach(m -> writes.add(TableRef.gold(m)));
        if (spec.maintenanceDeclared()) {
            writes.addAll(TableSelection.maintained(spec, List.of()));
        }
        return List.copyOf(writes);
    }

    @Override
    JobRunner.SessionBody prepare(PipelineSpec spec) {
        List<TableSpec> selected = TableSelection.specTables(spec, tables, Layer.BRONZE, Layer.SILVER);
        List<LocalDate> dates = runDates();
        return spark -> new Pipeline(spec, selected).run(spark, dates, stageLines(out(), ""));
    }

    /** Prints a line per finished stage: date, stage, exit code, seconds. */
    static Consumer<Pipeline.StageResult> stageLines(PrintWriter out, String indent) {
        return r -> {
            out.printf("%s%s  %-14s exit %d  %6.1f s%n", indent, r.runDate(), r.stage(), r.exitCode(),
                    r.millis() / 1000.0);
            out.flush();
        };
    }

    private List<LocalDate> runDates() {
        if ((from == null) != (to == null)) {
            throw new IllegalArgumentException("--from and --to go together");
        }
        if (from == null) {
            return List.of(jobOptions.runDateOrToday());
        }
        if (jobOptions.runDate != null) {
            throw new IllegalArgumentException("give either --run-date or --from/--to, not both");
        }
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("--from " + from + " is after --to " + to);
        }
        List<LocalDate> dates = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            dates.add(d);
        }
        return dates;
    }
}
