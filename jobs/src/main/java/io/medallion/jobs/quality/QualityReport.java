package io.medallion.jobs.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import io.medallion.jobs.ops.Html;
import java.util.Locale;
import java.util.Map;

/**
 * The report of one quality run, as a self-contained HTML page (inline CSS and SVG, nothing
 * fetched from the network, so it opens from a bucket or a mail attachment) and as JSON with
 * the same content for machines. Each table shows its constraints with pass or fail and the
 * measured value, and a chart of its row count over the run dates so far.
 */
final class QualityReport {
    /** One point of a table's row-count history. */
    record Point(LocalDate runDate, double value) {
    }

    /** What the report shows for one table. */
    record TableSection(String table, long rowCount, List<ConstraintOutcome> outcomes, List<Point> rowCounts) {
    }

    private final String runId;
    private final LocalDate runDate;
    private final List<TableSection> tables;

    QualityReport(String runId, LocalDate runDate, List<TableSection> tables) {
        this.runId = runId;
        this.runDate = runDate;
        this.tables = List.copyOf(tables);
    }

    String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("run_id", runId);
        root.put("run_date", runDate.toString());
        List<Map<String, Object>> sections = new ArrayList<>();
        for (TableSection t : tables) {
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("table", t.table());
            section.put("row_count", t.rowCount());
            List<Map<String, Object>> constraints = new ArrayList<>();
            for (ConstraintOutcome o : t.outcomes()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("name", o.spec().name());
                c.put("check", o.spec().kind().specName());
                c.put("severity", o.spec().severity().specName());
                c.put("status", o.passed() ? "passed" : "failed");
                c.put("metric_value", o.metricValue());
                c.put("message", o.message());
                constraints.add(c);
            }
            section.put("constraints", constraints);
            List<Map<String, Object>> history = new ArrayList<>();
            for (Point p : t.rowCounts()) {
                history.add(Map.of("run_date", p.runDate().toString(), "row_count", p.value()));
            }
            section.put("row_count_history", history);
            sections.add(section);
        }
        root.put("tables", sections);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    String html() {
        long failedErrors = tables.stream().flatMap(t -> t.outcomes().stream()).filter(ConstraintOutcome::failsTheGate)
                .count();
        long failedWarnings = tables.stream().flatMap(t -> t.outcomes().stream())
                .filter(o -> !o.passed() && !o.failsTheGate()).count();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Quality report ")
                .append(esc(runDate.toString())).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:24px;color:#1d2733;background:#fafbfc}\n")
                .append("h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0}\n")
                .append(".meta{color:#5b6776;margin-bottom:18px}\n")
                .append(".table{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:14px 16px;")
                .append("margin-bottom:16px;display:grid;grid-template-columns:1fr 280px;gap:16px}\n")
                .append("table{border-collapse:collapse;width:100%;font-size:13px;margin-top:8px}\n")
                .append("td,th{border-bottom:1px solid #eef1f4;padding:5px 8px;text-align:left;vertical-align:top}\n")
                .append("th{color:#5b6776;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append(".pass{color:#137333;font-weight:600}.fail{color:#c5221f;font-weight:600}")
                .append(".warn{color:#b06000;font-weight:600}\n")
                .append(".badge{display:inline-block;border-radius:10px;padding:2px 10px;font-size:13px;")
                .append("margin-right:6px}.ok{background:#e6f4ea}.bad{background:#fce8e6}.wbad{background:#fef7e0}\n")
                .append(".chart figcaption{font-size:12px;color:#5b6776}\n</style></head><body>\n");
        h.append("<h1>Quality report</h1>\n<div class=\"meta\">run date ").append(esc(runDate.toString()))
                .append(" &middot; run ").append(esc(runId)).append("</div>\n<p>")
                .append(badge(failedErrors == 0 ? "ok" : "bad", failedErrors + " failed error(s)"))
                .append(badge(failedWarnings == 0 ? "ok" : "wbad", failedWarnings + " failed warning(s)"))
                .append(badge("ok", tables.size() + " table(s)")).append("</p>\n");
        for (TableSection t : tables) {
            h.append("<section class=\"table\"><div><h2>").append(esc(t.table())).append("</h2>")
                    .append("<div class=\"meta\">").append(String.format(Locale.ROOT, "%,d", t.rowCount()))
                    .append(" rows</div>\n<table><tr><th>constraint</th><th>check</th><th>severity</th>")
                    .append("<th>status</th><th>value</th><th>message</th></tr>\n");
            for (ConstraintOutcome o : t.outcomes()) {
                String css = o.passed() ? "pass" : o.failsTheGate() ? "fail" : "warn";
                h.append("<tr><td>").append(esc(o.spec().name())).append("</td><td>")
                        .append(esc(o.spec().kind().specName())).append("</td><td>")
                        .append(esc(o.spec().severity().specName())).append("</td><td class=\"").append(css)
                        .append("\">").append(o.passed() ? "passed" : "failed").append("</td><td class=\"num\">")
                        .append(o.metricValue() == null ? "" : esc(format(o.metricValue()))).append("</td><td>")
                        .append(esc(o.message())).append("</td></tr>\n");
            }
            h.append("</table></div>\n").append(chart(t.rowCounts())).append("</section>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    /** An SVG line of the row count per run date, with the first and last values labelled. */
    static String chart(List<Point> points) {
        return Html.chart("row count", points.stream().map(p -> new Html.Point(p.runDate().toString(), p.value()))
                .toList());
    }

    private static String badge(String css, String text) {
        return "<span class=\"badge " + css + "\">" + esc(text) + "</span>";
    }

    private static String format(double v) {
        return Html.number(v);
    }

    static String esc(String s) {
        return Html.esc(s);
    }
}
