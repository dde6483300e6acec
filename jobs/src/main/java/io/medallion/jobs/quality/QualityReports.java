package io.medallion.jobs.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.medallion.run.JobContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/**
 * Writes a quality run's report next to the lake's ops tables, as
 * {@code ops/quality_reports/<run date>/<run id>.html} and {@code .json}, through Hadoop's file
 * system so it lands wherever the lake is (local disk or S3).
 */
public final class QualityReports {
    public static final String FOLDER = "quality_reports";

    private QualityReports() {
    }

    /** Writes both files, with each table's row count per run date up to this one; returns their path without extension. */
    static String write(JobContext context, Collection<String> tables, Map<String, QualityReport.TableSection> sections) {
        Map<String, List<QualityReport.Point>> history = rowCounts(context, tables);
        List<QualityReport.TableSection> ordered = new ArrayList<>();
        for (String t : tables) {
            QualityReport.TableSection s = sections.get(t);
            if (s != null) {
                ordered.add(new QualityReport.TableSection(t, s.rowCount(), s.outcomes(),
                        history.getOrDefault(t, List.of())));
            }
        }
        QualityReport report = new QualityReport(context.runId(), context.runDate(), ordered);
        String base = context.lake().ops(FOLDER) + "/" + context.runDate() + "/" + context.runId();
        save(context, base + ".html", report.html());
        save(context, base + ".json", report.json());
        return base;
    }

    /** The row count per table and run date up to this run's date (the latest check of each date). */
    private static Map<String, List<QualityReport.Point>> rowCounts(JobContext context, Collection<String> tables) {
        List<Row> rows = context.spark().read().format("delta").load(context.lake().ops(QualityResults.METRICS))
                .where(col("metric").equalTo(QualityResults.ROW_COUNT)
                        .and(col("table_name").isin(tables.toArray()))
                        .and(col("run_date").leq(Date.valueOf(context.runDate()))))
                .groupBy("table_name", "run_date").agg(expr("max_by(value, recorded_at)").as("value"))
                .orderBy("table_name", "run_date").collectAsList();
        Map<String, List<QualityReport.Point>> history = new HashMap<>();
        for (Row r : rows) {
            history.computeIfAbsent(r.getString(0), t -> new ArrayList<>())
                    .add(new QualityReport.Point(r.getDate(1).toLocalDate(), r.getDouble(2)));
        }
        return history;
    }

    /** The HTML reports in {@code folder} (one run date's), oldest run first; none when there is no such folder. */
    public static List<String> list(org.apache.spark.sql.SparkSession spark, String folder) {
        Path dir = new Path(folder);
        List<String> reports = new ArrayList<>();
        try {
            FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(dir)) {
                for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(dir, p -> p.getName().endsWith(".html"))) {
                    reports.add(f.getPath().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the quality reports in " + folder, e);
        }
        reports.sort(null);
        return reports;
    }

    private static void save(JobContext context, String file, String text) {
        Path path = new Path(file);
        try {
            FileSystem fs = path.getFileSystem(context.spark().sparkContext().hadoopConfiguration());
            try (OutputStream out = fs.create(path, true)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the quality report " + file, e);
        }
    }
}
