package io.medallion.jobs.ops;

import java.util.List;
import java.util.Locale;

/**
 * What the HTML pages medallion writes share: escaping, the style sheet and inline SVG line charts.
 * Every page is self-contained (styles and charts inline, no script, no font, no image to fetch),
 * so it opens from a bucket, a mail attachment or a file on a laptop and makes no network request.
 */
public final class Html {
    /** One point of a chart: its label on the x axis (a run date) and its value. */
    public record Point(String x, double value) {
    }

    public static final String STYLE = "body{font-family:system-ui,sans-serif;margin:24px;color:#1d2733;"
            + "background:#fafbfc}\nh1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:18px 0 6px}\n"
            + ".meta{color:#5b6776;margin-bottom:18px}\n"
            + ".card{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:14px 16px;margin-bottom:16px}\n"
            + "table{border-collapse:collapse;width:100%;font-size:13px;margin-top:8px}\n"
            + "td,th{border-bottom:1px solid #eef1f4;padding:5px 8px;text-align:left;vertical-align:top}\n"
            + "th{color:#5b6776;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
            + ".pass{color:#137333;font-weight:600}.fail{color:#c5221f;font-weight:600}.warn{color:#b06000;"
            + "font-weight:600}\n.badge{display:inline-block;border-radius:10px;padding:2px 10px;font-size:13px;"
            + "margin-right:6px}.ok{background:#e6f4ea}.bad{background:#fce8e6}.wbad{background:#fef7e0}\n"
            + ".charts{display:flex;flex-wrap:wrap;gap:16px}.chart figcaption{font-size:12px;color:#5b6776}\n";

    private Html() {
    }

    public static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    /** The start of a page: doctype, title and the shared style sheet plus {@code extraStyle}. */
    public static StringBuilder page(String title, String extraStyle) {
        return new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc(title)).append("</title>\n<style>\n").append(STYLE).append(extraStyle)
                .append("</style></head><body>\n");
    }

    public static String badge(String css, String text) {
        return "<span class=\"badge " + css + "\">" + esc(text) + "</span>";
    }

    /** An SVG line of {@code label} over the points, with the first and last values in its caption. */
    public static String chart(String label, List<Point> points) {
        int width = 250;
        int height = 110;
        int pad = 14;
        StringBuilder svg = new StringBuilder("<figure class=\"chart\"><svg ")
                .append("width=\"").append(width).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"").append(esc(label)).append("\">")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#f4f6f8\" rx=\"6\"/>");
        if (!points.isEmpty()) {
            double max = points.stream().mapToDouble(Point::value).max().orElse(1);
            double min = Math.min(0, points.stream().mapToDouble(Point::value).min().orElse(0));
            double span = max - min == 0 ? 1 : max - min;
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < points.size(); i++) {
                double x = points.size() == 1 ? width / 2.0 : pad + i * (width - 2.0 * pad) / (points.size() - 1);
                double y = height - pad - (points.get(i).value() - min) / span * (height - 2.0 * pad);
                line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1a73e8\">"
                        + "<title>%s: %s</title></circle>", x, y, esc(points.get(i).x()),
                        number(points.get(i).value())));
            }
            svg.append("<polyline fill=\"none\" stroke=\"#1a73e8\" stroke-width=\"2\" points=\"")
                    .append(line.toString().strip()).append("\"/>");
        }
        svg.append("</svg><figcaption>").append(esc(label)).append(", ").append(points.size()).append(" run date(s)");
        if (!points.isEmpty()) {
            svg.append(": ").append(esc(number(points.get(0).value()))).append(" &rarr; ")
                    .append(esc(number(points.get(points.size() - 1).value())));
        }
        return svg.append("</figcaption></figure>").toString();
    }

    /** A whole number with thousands separators, anything else with four decimals. */
    public static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,.0f", v)
                : String.format(Locale.ROOT, "%.4f", v);
    }
}
