package io.medallion.jobs.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medallion.config.ConstraintKind;
import io.medallion.jobs.HeadlessChromium;
import io.medallion.config.ConstraintSpec;
import io.medallion.config.ConstraintSpec.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's content, that it needs no network, and that a browser renders it. */
class QualityReportTest {
    @TempDir
    Path dir;

    private static ConstraintSpec spec(String name, ConstraintKind kind, Severity severity) {
        return new ConstraintSpec(name, kind, severity, List.of("c"), OptionalDouble.empty(), OptionalDouble.empty(),
                1, List.of(), "", "", java.util.Optional.empty(), List.of(), "", OptionalDouble.empty(), OptionalDouble.empty(), "");
    }

    private static QualityReport report() {
        List<ConstraintOutcome> lineitem = List.of(
                new ConstraintOutcome(spec("unique(l_orderkey, l_linenumber)", ConstraintKind.UNIQUE, Severity.ERROR),
                        true, 1.0, ""),
                new ConstraintOutcome(spec("range(l_quantity)", ConstraintKind.RANGE, Severity.ERROR), false, 0.9981,
                        "0.9981 of rows comply, at least 1 required"),
                new ConstraintOutcome(spec("dates <ordered>", ConstraintKind.PREDICATE, Severity.WARNING), false, 0.99,
                        "0.9900 of rows comply & more"));
        List<QualityReport.Point> counts = List.of(new QualityReport.Point(LocalDate.parse("2024-01-01"), 19_993),
                new QualityReport.Point(LocalDate.parse("2024-01-02"), 39_724),
                new QualityReport.Point(LocalDate.parse("2024-01-03"), 60_175));
        return new QualityReport("run-1", LocalDate.parse("2024-01-03"), List.of(
                new QualityReport.TableSection("silver.lineitem", 60_175, lineitem, counts),
                new QualityReport.TableSection("silver.region", 5, List.of(), List.of(counts.get(0)))));
    }

    @Test
    void theHtmlShowsEveryConstraintEscapedAndFetchesNothing() {
        String html = report().html();
        assertThat(html).contains("silver.lineitem", "60,175 rows", "unique(l_orderkey, l_linenumber)",
                "range(l_quantity)", "dates &lt;ordered&gt;", "comply &amp; more", "1 failed error(s)",
                "1 failed warning(s)", "19,993 &rarr; 60,175", "3 run date(s)");
        assertThat(html).doesNotContain("<ordered>").doesNotContainIgnoringCase("http://")
                .doesNotContainIgnoringCase("https://").doesNotContain("src=").doesNotContain("<link");
        // One point per run date, on one line.
        assertThat(html.split("<circle", -1)).hasSize(1 + 3 + 1);
        assertThat(html).contains("<polyline");
    }

    @Test
    void theJsonCarriesTheSameContent() throws Exception {
        JsonNode json = new ObjectMapper().readTree(report().json());
        assertThat(json.get("run_date").asText()).isEqualTo("2024-01-03");
        JsonNode lineitem = json.get("tables").get(0);
        assertThat(lineitem.get("table").asText()).isEqualTo("silver.lineitem");
        assertThat(lineitem.get("constraints")).hasSize(3);
        assertThat(lineitem.get("constraints").get(1).get("status").asText()).isEqualTo("failed");
        assertThat(lineitem.get("constraints").get(1).get("metric_value").asDouble()).isEqualTo(0.9981);
        assertThat(lineitem.get("row_count_history")).hasSize(3);
    }

    @Test
    void headlessChromiumRendersTheReport() throws Exception {
        Path html = Files.writeString(dir.resolve("report.html"), report().html());
        Set<Integer> colours = HeadlessChromium.screenshotColours(html, dir, 800);
        // A rendered page has text, badges and a chart: many colours, not a blank or error page.
        assertThat(colours.size()).as("distinct colours in the screenshot").isGreaterThan(50);
        // The failed-error badge's red background is on the page.
        assertThat(colours).contains(0xFFFCE8E6);
    }
}
