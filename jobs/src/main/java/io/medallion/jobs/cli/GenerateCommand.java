package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.SpecException;
import io.medallion.jobs.sample.Defect;
import io.medallion.jobs.sample.GeneratorSettings;
import io.medallion.jobs.sample.LandingFormat;
import io.medallion.jobs.sample.Manifest;
import io.medallion.jobs.sample.TpchLandingGenerator;
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
            "json). Read them with the matching overlay: --env local,tpch-csv (tpch-json, tpch-parquet)."
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

    @Option(names = "--force", description = "Overwrite landing data generated with other settings.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = command.commandLine().getErr();
        PrintWriter out = command.commandLine().getOut();
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
