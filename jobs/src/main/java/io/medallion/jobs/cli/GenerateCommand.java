package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.SpecException;
import io.medallion.jobs.sample.Defect;
import io.medallion.jobs.sample.GeneratorSettings;
import io.medallion.jobs.sample.LandingFormat;
import io.medallion.jobs.sample.Manifest;
import io.medallion.jobs.sample.TpchDatabaseLoader;
import io.medallion.jobs.sample.TpchLandingGenerator;
import io.medallion.config.JdbcUrls;
import io.medallion.run.ExitCode;
import io.medallion.spark.SparkSessions;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medallion generate}: TPC-H landing files with defects, and their manifest. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {
            "Write TPC-H sample landing data with injected defects, and a manifest counting them.",
            "",
            "The data goes into the landing root, split into daily batches, with injected defects",
            "(duplicates, replays, rule violations, orphans, unparseable lines, late rows, schema drift) and",
            "manifest.json counting them per table and batch. The same settings give byte-identical files.",
            "Plain Java: no Spark, no ledger row.",
            "",
            "Defects (--rate NAME=FRACTION, per clean row): %n  " + "duplicate, replay, null_required,"
                + " negative_quantity, discount_out_of_range, malformed_phone,%n  orderdate_out_of_range, orphan,"
                + " bad_field_count, bad_number, bad_date, broken_json, wrong_type_file, late,%n  schema_drift.",
            "",
            "Formats (--format): delimited (dbgen's '|' lines, the default), csv (a header, RFC 4180 quoting),",
            "json (arrays of objects), parquet (typed files). Each carries the defects it can hold: no short",
            "records in json, no garbled values in parquet, which instead gets one line item file whose",
            "quantity is text (wrong_type_file). Customers are a JSON change feed in every format (arrays for",
            "json). Read them with the matching overlay: --env local,tpch-csv (tpch-json, tpch-parquet).",
            "",
            "--to-jdbc URL loads clean TPC-H orders and customer into a database instead (tables tpch.orders and",
            "tpch.customer, with updated_at), batch by batch: --batch K applies batch K of --batches, every batch",
            "when absent. Each later batch updates about 1 %% of the orders and customers there, deletes about",
            "0.5 %% of the customers, and commits the previous batch's held-back orders late, with an updated_at",
            "half of --lag in the past. Credentials: in the URL, or PGUSER and PGPASSWORD."
        })
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Spec
    CommandSpec command;

    @Option(names = "--scale", paramLabel = "SF", defaultValue = "0.01",
            description = "TPC-H scale factor; 1 = 6,001,215 line items (default: ${DEFAULT-VALUE}).")
    double scale;

    @Option(names = "--batches", paramLabel = "N", defaultValue = "3",
            description = "Number of daily batches (default: ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed for the defects (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--start-date", paramLabel = "YYYY-MM-DD", defaultValue = "2024-01-01",
            description = "Date of the first batch; batch i is this date + i days (default: ${DEFAULT-VALUE}).")
    LocalDate startDate;

    @Option(names = "--rows-per-file", paramLabel = "N", defaultValue = "250000",
            description = "Split a table's batch into files of at most N lines (default: ${DEFAULT-VALUE}).")
    int rowsPerFile;

    @Option(names = "--rate", paramLabel = "DEFECT=FRACTION",
            description = "Override a defect's rate (repeatable), e.g. --rate duplicate=0.01.")
    Map<String, Double> rates = new LinkedHashMap<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "delimited",
            converter = FormatConverter.class,
            description = "Landing file format: delimited, csv, json or parquet (default: ${DEFAULT-VALUE}).")
    LandingFormat format;

    @Option(names = "--clean", description = "No defects at all: every rate 0.")
    boolean clean;

    @Option(names = "--landing", paramLabel = "DIR",
            description = "Write here instead of the spec's landing root (a path or URI).")
    String landing;

    @Option(names = "--force", description = "Overwrite landing data generated with other settings (or, with "
            + "--to-jdbc, tables an earlier load left).")
    boolean force;

    @Option(names = "--to-jdbc", paramLabel = "URL",
            description = "Load orders and customer into this database (jdbc:postgresql://host:port/db) instead of "
                    + "writing landing files.")
    String toJdbc;

    @Option(names = "--batch", paramLabel = "K",
            description = "With --to-jdbc: apply only batch K (1-based), to run the pipeline between batches.")
    Integer batch;

    @Option(names = "--lag", paramLabel = "DURATION", defaultValue = "5m",
            description = "With --to-jdbc: the extract's lag; late orders are stamped half of it in the past "
                    + "(default: ${DEFAULT-VALUE}).")
    String lag;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = command.commandLine().getErr();
        PrintWriter out = command.commandLine().getOut();
        if (toJdbc != null) {
            return toDatabase(out, err);
        }
        if (batch != null) {
            err.println("medallion generate: --batch goes with --to-jdbc; landing files hold every batch");
            return ExitCode.USAGE;
        }
        GeneratorSettings settings;
        String root;
        Configuration hadoop;
        try {
            PipelineSpec spec = specOptions.load();
            hadoop = SparkSessions.hadoopConfiguration(spec.spark(), specOptions.sparkConf);
            root = landing != null ? landing : spec.storage().landingRoot();
            Map<Defect, Double> chosen = new EnumMap<>(Defect.class);
            if (clean) {
                for (Defect d : Defect.values()) {
                    chosen.put(d, 0.0);
                }
            }
            rates.forEach((k, v) -> chosen.put(Defect.fromKey(k), v));
            settings = new GeneratorSettings(scale, batches, seed, startDate, chosen, rowsPerFile, format);
        } catch (SpecException | IllegalArgumentException e) {
            err.println("medallion generate: " + e.getMessage());
            return ExitCode.USAGE;
        }
        Path rootPath = new Path(root);
        FileSystem fs = rootPath.getFileSystem(hadoop);
        Path manifestPath = new Path(rootPath, "manifest.json");
        if (fs.exists(manifestPath)) {
            Manifest existing = Manifest.read(fs, manifestPath);
            if (sameSettings(existing, settings)) {
                out.println("Landing data for these settings is already in " + root + " (manifest.json); nothing to do.");
                return ExitCode.OK;
            }
            if (!force) {
                err.println("medallion generate: " + root + " already holds data generated with other settings"
                        + " (" + existing.format + ", scale " + existing.scale + ", seed " + existing.seed
                        + ", batches " + existing.batchDates
                        + "). Use --force to replace it, or --landing DIR to write elsewhere.");
                return ExitCode.USAGE;
            }
            fs.delete(rootPath, true);
        }
        long start = System.nanoTime();
        Manifest manifest = new TpchLandingGenerator(settings, fs, rootPath).generate();
        double seconds = (System.nanoTime() - start) / 1e9;
        printSummary(out, manifest, root, seconds);
        return ExitCode.OK;
    }

    private int toDatabase(PrintWriter out, PrintWriter err) {
        TpchDatabaseLoader loader;
        try {
            java.time.Duration parsed = io.medallion.config.Values.parseDuration(lag);
            loader = new TpchDatabaseLoader(toJdbc, credentials(), scale, batches, parsed);
            if (batch != null && (batch < 1 || batch > batches)) {
                throw new IllegalArgumentException("--batch must be 1.." + batches + ", got " + batch);
            }
        } catch (IllegalArgumentException e) {
            err.println("medallion generate: " + e.getMessage());
            return ExitCode.USAGE;
        }
        String where = JdbcUrls.withoutCredentials(toJdbc);
        int first = batch == null ? 1 : batch;
        int last = batch == null ? batches : batch;
        out.printf("%-6s %9s %6s %8s %10s %10s %10s %7s%n", "batch", "orders", "late", "updated", "customers",
                "updated", "deleted", "s");
        try {
            for (int b = first; b <= last; b++) {
                TpchDatabaseLoader.BatchSummary s = loader.load(b, force);
                out.printf("%-6d %,9d %,6d %,8d %,10d %,10d %,10d %7.1f%n", s.batch(), s.ordersInserted(),
                        s.lateOrders(), s.ordersUpdated(), s.customersInserted(), s.customersUpdated(),
                        s.customersDeleted(), s.seconds());
                out.flush();
            }
        } catch (IllegalStateException e) {
            err.println("medallion generate: " + where + ": " + e.getMessage());
            return ExitCode.USAGE;
        } catch (java.sql.SQLException e) {
            err.println("medallion generate: " + where + ": " + e.getMessage());
            return ExitCode.FAILED;
        }
        out.printf("Loaded TPC-H scale %s batch(es) %d..%d of %d into %s (tpch.orders, tpch.customer)%n", scale, first,
                last, batches, where);
        return ExitCode.OK;
    }

    /** PGUSER and PGPASSWORD, as psql takes them, unless the URL carries credentials. */
    private static java.util.Properties credentials() {
        java.util.Properties props = new java.util.Properties();
        if (System.getenv("PGUSER") != null) {
            props.setProperty("user", System.getenv("PGUSER"));
        }
        if (System.getenv("PGPASSWORD") != null) {
            props.setProperty("password", System.getenv("PGPASSWORD"));
        }
        return props;
    }

    private static boolean sameSettings(Manifest m, GeneratorSettings s) {
        Map<String, Double> rates = new java.util.TreeMap<>();
        s.rates().forEach((d, r) -> rates.put(d.key(), r));
        java.util.List<String> dates = new java.util.ArrayList<>();
        for (int b = 0; b < s.batches(); b++) {
            dates.add(s.batchDate(b).toString());
        }
        return m.scale == s.scale() && m.seed == s.seed() && dates.equals(m.batchDates) && rates.equals(m.rates)
                && s.format().key().equals(m.format);
    }

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<LandingFormat> {
        @Override
        public LandingFormat convert(String value) {
            return LandingFormat.fromKey(value);
        }
    }

    private static void printSummary(PrintWriter out, Manifest manifest, String root, double seconds) {
        out.printf("Generated TPC-H scale %s as %s in %d batch(es) %s into %s in %.1f s%n", manifest.scale,
                manifest.format, manifest.batchDates.size(), manifest.batchDates, root, seconds);
        out.printf("%-10s %12s %12s %14s %6s%n", "table", "clean rows", "lines", "defect lines", "files");
        long allLines = 0;
        for (Map.Entry<String, Manifest.TableEntry> e : manifest.tables.entrySet()) {
            long lines = 0;
            long defects = 0;
            long files = 0;
            for (Manifest.BatchEntry b : e.getValue().batches.values()) {
                lines += b.lines;
                defects += b.lines - b.cleanRows;
                files += b.files.size();
            }
            allLines += lines;
            out.printf("%-10s %,12d %,12d %,14d %6d%n", e.getKey(), e.getValue().cleanRows, lines, defects, files);
        }
        out.printf("%,d lines (%,.0f lines/s). Defects by kind per batch: %s/manifest.json%n", allLines,
                allLines / seconds, root);
    }
}
