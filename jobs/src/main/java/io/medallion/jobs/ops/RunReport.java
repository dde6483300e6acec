package io.medallion.jobs.ops;

import static io.medallion.jobs.ops.Html.esc;

import io.medallion.jobs.pipeline.PipelineRun;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import io.medallion.run.TableOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML page of one pipeline run: a timeline of its stages, rows in and out per layer,
 * quarantine by rule, the quality and freshness outcomes, and the lineage graph of its tables.
 *
 * @param quality the quality stages' results (freshness among them), as ops.quality_results holds them
 * @param quarantine per silver table, the rows this run quarantined by rule
 * @param lineage which table each table is built from
 */
public record RunReport(PipelineRun run, List<QualityLine> quality, Map<String, Map<String, Long>> quarantine,
                        Lineage lineage) {
    /** One row of ops.quality_results. */
    public record QualityLine(String runDate, String table, String constraint, String kind, String severity,
                              String status, Double value, String message) {
    }

    private static final String[] BAR = {"#1e8e3e", "#d93025", "#f9ab00"};

    public String html() {
        StringBuilder h = Html.page("Run " + run.runId(), ".bar text{font-size:11px;fill:#1d2733}\n"
                + ".node rect{fill:#fff;stroke:#8aa1b8}.node text{font-size:12px}\n");
        String css = run.exitCode() == ExitCode.OK ? "ok" : run.exitCode() == ExitCode.QUALITY_GATE ? "wbad" : "bad";
        h.append("<h1>Pipeline ").append(esc(run.pipeline())).append(" &middot; ").append(esc(run.dates()))
                .append("</h1>\n<div class=\"meta\">run ").append(esc(run.runId())).append(" &middot; started ")
                .append(esc(run.startedAt().toString())).append(" &middot; ")
                .append(String.format(Locale.ROOT, "%.1f s", run.duration().toMillis() / 1000.0))
                .append(" &middot; <a href=\"../index.html\">all runs</a></div>\n<p>")
                .append(Html.badge(css, run.status() + " (exit " + run.exitCode() + ")"))
                .append(Html.badge("ok", run.stages().size() + " stage run(s)")).append("</p>\n");
        h.append("<section class=\"card\"><h2>Timeline</h2>").append(timeline()).append(stageTable())
                .append("</section>\n");
        h.append("<section class=\"card\"><h2>Rows per layer</h2>").append(layers()).append("</section>\n");
        h.append("<section class=\"card\"><h2>Quarantine by rule</h2>").append(quarantineTable()).append("</section>\n");
        h.append("<section class=\"card\"><h2>Quality and freshness</h2>").append(qualityTable()).append("</section>\n");
        h.append("<section class=\"card\"><h2>Lineage</h2>").append(lineage.svg()).append("</section>\n");
        return h.append("</body></html>\n").toString();
    }

    private String timeline() {
        int width = 900;
        int row = 22;
        long total = Math.max(1, run.duration().toMillis());
        StringBuilder svg = new StringBuilder("<svg class=\"bar\" width=\"").append(width).append("\" height=\"")
                .append(run.stages().size() * row + 24).append("\" role=\"img\" aria-label=\"stage timeline\">");
        int y = 0;
        for (JobRunner.Run s : run.stages()) {
            double x0 = 220 + (width - 230.0) * Duration.between(run.startedAt(), s.startedAt()).toMillis() / total;
            double w = Math.max(2, (width - 230.0) * Duration.between(s.startedAt(), s.endedAt()).toMillis() / total);
            String colour = s.exitCode() == ExitCode.OK ? BAR[0] : s.exitCode() == ExitCode.QUALITY_GATE ? BAR[2] : BAR[1];
            svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s %s</text>", y + 15, esc(s.runDate().toString()),
                    esc(s.stage())))
                    .append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" rx=\"3\" "
                            + "fill=\"%s\"><title>%s: %s, %.1f s</title></rect>", x0, y + 3, w, colour, esc(s.stage()),
                            esc(String.join(", ", s.outcomes().stream().map(TableOutcome::table).toList())),
                            PipelineRuns.seconds(s)));
            y += row;
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"220\" y=\"%d\">0 s</text><text x=\"%d\" y=\"%d\" "
                + "text-anchor=\"end\">%.1f s</text>", y + 16, width - 10, y + 16, total / 1000.0));
        return svg.append("</svg>").toString();
    }

    private String stageTable() {
        StringBuilder t = new StringBuilder("<table><tr><th>run date</th><th>stage</th><th>exit</th><th>seconds</th>"
                + "<th>tables</th><th>run id</th></tr>\n");
        for (JobRunner.Run s : run.stages()) {
            t.append("<tr><td>").append(esc(s.runDate().toString())).append("</td><td>").append(esc(s.stage()))
                    .append("</td><td class=\"").append(s.exitCode() == 0 ? "pass" : "fail").append("\">")
                    .append(s.exitCode()).append("</td><td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%.1f", PipelineRuns.seconds(s))).append("</td><td>")
                    .append(esc(String.join(", ", s.outcomes().stream().map(TableOutcome::table).toList())))
                    .append("</td><td>").append(esc(s.runId())).append("</td></tr>\n");
        }
        return t.append("</table>").toString();
    }

    private String layers() {
        StringBuilder t = new StringBuilder("<table><tr><th>stage</th><th>table</th><th>status</th><th>rows read</th>"
                + "<th>rows written</th><th>quarantined</th><th>duplicates dropped</th><th>message</th></tr>\n");
        for (JobRunner.Run s : run.stages()) {
            if (!List.of("bronze", "silver", "gold").contains(s.job())) {
                continue;
            }
            for (TableOutcome o : s.outcomes()) {
                t.append("<tr><td>").append(esc(s.runDate() + " " + s.stage())).append("</td><td>")
                        .append(esc(s.job() + "." + o.table())).append("</td><td class=\"")
                        .append(o.status().ledgerName().equals("succeeded") ? "pass" : "fail").append("\">")
                        .append(esc(o.status().ledgerName())).append("</td>").append(num(o.rowsRead()))
                        .append(num(o.rowsWritten())).append(num(o.rowsQuarantined())).append(num(o.duplicatesDropped()))
                        .append("<td>").append(esc(o.message())).append("</td></tr>\n");
            }
        }
        return t.append("</table>").toString();
    }

    private String quarantineTable() {
        if (quarantine.values().stream().allMatch(Map::isEmpty)) {
            return "<p class=\"meta\">No row was quarantined in this run.</p>";
        }
        StringBuilder t = new StringBuilder("<table><tr><th>table</th><th>rule</th><th>rows</th></tr>\n");
        quarantine.forEach((table, rules) -> rules.forEach((rule, rows) -> t.append("<tr><td>").append(esc(table))
                .append("</td><td>").append(esc(rule)).append("</td>").append(num(rows)).append("</tr>\n")));
        return t.append("</table>").toString();
    }

    private String qualityTable() {
        if (quality.isEmpty()) {
            return "<p class=\"meta\">No quality stage ran.</p>";
        }
        StringBuilder t = new StringBuilder("<table><tr><th>run date</th><th>table</th><th>constraint</th><th>severity"
                + "</th><th>status</th><th>value</th><th>message</th></tr>\n");
        for (QualityLine q : quality) {
            String css = q.status().equals("passed") ? "pass" : q.severity().equals("error") ? "fail" : "warn";
            t.append("<tr><td>").append(esc(q.runDate())).append("</td><td>").append(esc(q.table())).append("</td><td>")
                    .append(esc(q.constraint())).append("</td><td>").append(esc(q.severity())).append("</td><td class=\"")
                    .append(css).append("\">").append(esc(q.status())).append("</td><td class=\"num\">")
                    .append(q.value() == null ? "" : esc(Html.number(q.value()))).append("</td><td>")
                    .append(esc(q.message())).append("</td></tr>\n");
        }
        return t.append("</table>").toString();
    }

    private static String num(long v) {
        return "<td class=\"num\">" + String.format(Locale.ROOT, "%,d", v) + "</td>";
    }

    /** The tables of a pipeline in three columns, bronze, silver and gold, with an arrow per input. */
    public record Lineage(Map<String, List<String>> inputs) {
        public Lineage {
            inputs = new LinkedHashMap<>(inputs);
        }

        String svg() {
            Map<String, List<String>> columns = new LinkedHashMap<>();
            for (String layer : List.of("bronze", "silver", "gold")) {
                columns.put(layer, new ArrayList<>());
            }
            java.util.Set<String> all = new java.util.LinkedHashSet<>();
            inputs.forEach((table, from) -> {
                all.addAll(from);
                all.add(table);
            });
            for (String table : all) {
                columns.computeIfAbsent(table.substring(0, table.indexOf('.')), l -> new ArrayList<>()).add(table);
            }
            int boxW = 200;
            int boxH = 26;
            int gap = 12;
            int colGap = 110;
            int rows = columns.values().stream().mapToInt(List::size).max().orElse(1);
            Map<String, int[]> at = new LinkedHashMap<>();
            int c = 0;
            for (List<String> column : columns.values()) {
                for (int i = 0; i < column.size(); i++) {
                    at.put(column.get(i), new int[] {10 + c * (boxW + colGap), 10 + i * (boxH + gap)});
                }
                c++;
            }
            StringBuilder svg = new StringBuilder("<svg width=\"").append(20 + columns.size() * (boxW + colGap))
                    .append("\" height=\"").append(20 + rows * (boxH + gap)).append("\" role=\"img\" aria-label=\"")
                    .append("lineage\"><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" ")
                    .append("markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" ")
                    .append("fill=\"#8aa1b8\"/></marker></defs>");
            inputs.forEach((table, from) -> {
                int[] to = at.get(table);
                for (String f : from) {
                    int[] src = at.get(f);
                    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#8aa1b8\" "
                            + "marker-end=\"url(#arrow)\"/>", src[0] + boxW, src[1] + boxH / 2, to[0], to[1] + boxH / 2));
                }
            });
            at.forEach((table, p) -> svg.append(String.format(Locale.ROOT, "<g class=\"node\"><rect x=\"%d\" y=\"%d\" "
                    + "width=\"%d\" height=\"%d\" rx=\"5\"/><text x=\"%d\" y=\"%d\">%s</text></g>", p[0], p[1], boxW, boxH,
                    p[0] + 8, p[1] + 17, esc(table))));
            return svg.append("</svg>").toString();
        }
    }
}
