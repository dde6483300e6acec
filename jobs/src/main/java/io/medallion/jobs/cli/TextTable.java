package io.medallion.jobs.cli;

import io.medallion.interop.Scala;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/** A query result as an aligned text table for a terminal, with a row count under it. */
final class TextTable {
    private static final int MAX_CELL = 60;

    private TextTable() {
    }

    /** {@code rows} as fetched with {@code limit + 1}, so one more than the limit means "more not shown". */
    static String render(String[] header, List<Row> rows, int limit) {
        boolean more = rows.size() > limit;
        List<String[]> cells = new ArrayList<>();
        for (Row r : rows.subList(0, Math.min(limit, rows.size()))) {
            String[] line = new String[header.length];
            for (int i = 0; i < header.length; i++) {
                line[i] = cell(r.get(i));
            }
            cells.add(line);
        }
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] line : cells) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendLine(out, header, width);
        String[] rule = new String[header.length];
        for (int i = 0; i < header.length; i++) {
            rule[i] = "-".repeat(width[i]);
        }
        appendLine(out, rule, width);
        cells.forEach(line -> appendLine(out, line, width));
        out.append('(').append(cells.size()).append(cells.size() == 1 ? " row" : " rows")
                .append(more ? "; more not shown, see --limit" : "").append(")\n");
        return out.toString();
    }

    private static String cell(Object value) {
        String text = value == null ? "NULL" : Scala.text(value);
        text = text.replace('\n', ' ');
        return text.length() > MAX_CELL ? text.substring(0, MAX_CELL - 1) + "…" : text;
    }

    private static void appendLine(StringBuilder out, String[] cells, int[] width) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append("  ");
            }
            out.append(cells[i]).append(" ".repeat(width[i] - cells[i].length()));
        }
        out.append('\n');
    }
}
