package io.medallion.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medallion.config.PipelineSpec;
import io.medallion.config.SpecException;
import io.medallion.config.TableSpec;
import io.medallion.jobs.quality.Freshness;
import io.medallion.lake.LakePaths;
import io.medallion.lake.TableRef;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import io.medallion.spark.SparkSessions;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medallion freshness}: only the freshness of each table, started as lightly as it can be. */
@Command(name = "freshness", mixinStandardHelpOptions = true,
        description = {
            "Check how old each table's data is against its freshness section (warn_after, error_after,",
            "loaded_at) and print one line per table. Exit 3 when a table is past error_after; past warn_after",
            "is printed and exits 0.",
            "",
            "loaded_at: ingest reads the time of the table's last bronze commit that added rows from the Delta",
            "log, without starting Spark; a column (max of a silver date or timestamp column) starts a local",
            "Spark session for that query. Nothing is written: the quality run of silver, and the pipeline's",
            "silver gate, record the same checks in ops.quality_results."
        })
final class FreshnessCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Option(names = "--table", paramLabel = "TABLE",
            description = "Only this spec table (repeatable; default: every table with a freshness section).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--at", paramLabel = "INSTANT",
            description = "Judge the ages at this time instead of now (2024-01-02T06:00:00Z).")
    Instant at;

    @Option(names = "--json", description = "One JSON object per table instead of a table.")
    boolean json;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        PrintWriter err = command.commandLine().getErr();
        PipelineSpec spec;
        List<TableSpec> checked;
        try {
            spec = specOptions.load();
            checked = selected(spec);
        } catch (SpecException | IllegalArgumentException e) {
            err.println("medallion freshness: " + e.getMessage());
            return ExitCode.USAGE;
        }
        if (checked.isEmpty()) {
            out().println("no table of " + spec.file() + " declares freshness (tables.<table>.freshness); nothing "
                    + "to check");
            out().flush();
            return ExitCode.OK;
        }
        Freshness freshness = new Freshness(at == null ? Clock.systemUTC() : Clock.fixed(at, ZoneOffset.UTC));
        LakePaths lake = new LakePaths(spec.storage().lakeRoot());
        Configuration hadoop = SparkSessions.hadoopConfiguration(spec.spark(), specOptions.sparkConf);
        if (checked.stream().noneMatch(Freshness::needsSpark)) {
            return print(check(freshness, checked, hadoop, lake, null));
        }
        return JobRunner.inSession(spec, "medallion freshness", specOptions.sparkConf, spark -> print(check(
                freshness, checked, spark.sparkContext().hadoopConfiguration(), lake, spark)), err::println);
    }

    private List<TableSpec> selected(PipelineSpec spec) {
        List<TableSpec> declared = spec.tables().values().stream().filter(t -> t.freshness().declared()).toList();
        if (tables.isEmpty()) {
            return declared;
        }
        List<TableSpec> selected = new ArrayList<>();
        for (String name : tables) {
            String bare = TableRef.isQualified(name) ? TableRef.parse(name).name() : name;
            TableSpec t = declared.stream().filter(d -> d.name().equals(bare)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("--table " + name + ": no freshness is declared for it in "
                            + spec.file() + "; tables with freshness: " + String.join(", ",
                            declared.stream().map(TableSpec::name).toList())));
            selected.add(t);
        }
        return selected;
    }

    private static List<Freshness.Result> check(Freshness freshness, List<TableSpec> tables, Configuration hadoop,
                                                LakePaths lake, SparkSession spark) {
        return tables.stream().map(t -> freshness.check(t, hadoop, lake, spark)).toList();
    }

    private int print(List<Freshness.Result> results) {
        PrintWriter out = out();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            for (Freshness.Result r : results) {
                out.println(toJson(mapper, r));
            }
        } else {
            List<Row> rows = new ArrayList<>();
            for (Freshness.Result r : results) {
                rows.add(RowFactory.create(r.table(), r.status().specName(), r.loadedAt().map(Instant::toString)
                        .orElse("never"), r.age().map(Freshness::hours).orElse(""), r.spec().warnAfter()
                        .map(Freshness::hours).orElse(""), r.spec().errorAfter().map(Freshness::hours).orElse(""),
                        r.spec().loadedAt()));
            }
            out.print(TextTable.render(new String[] {"table", "status", "loaded_at", "age", "warn_after",
                "error_after", "from"}, rows, rows.size()));
        }
        out.flush();
        boolean error = results.stream().anyMatch(r -> r.status() == Freshness.Status.ERROR);
        return error ? ExitCode.QUALITY_GATE : ExitCode.OK;
    }

    static ObjectNode toJson(ObjectMapper mapper, Freshness.Result r) {
        ObjectNode node = mapper.createObjectNode().put("table", r.table()).put("status", r.status().specName())
                .put("loaded_at", r.loadedAt().map(Instant::toString).orElse(null))
                .put("age_hours", r.ageHours()).put("checked_at", r.checkedAt().toString())
                .put("loaded_from", r.spec().loadedAt());
        r.spec().warnAfter().ifPresent(d -> node.put("warn_after_hours", d.toMillis() / 3_600_000.0));
        r.spec().errorAfter().ifPresent(d -> node.put("error_after_hours", d.toMillis() / 3_600_000.0));
        return node.put("message", r.message());
    }

    private PrintWriter out() {
        return command.commandLine().getOut();
    }
}
