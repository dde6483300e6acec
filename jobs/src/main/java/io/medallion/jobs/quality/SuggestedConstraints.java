package io.medallion.jobs.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code medallion quality suggest}: Deequ's constraint suggestions for a table, written as a
 * {@code quality} section of our spec, ready to paste. Suggestions with no equivalent in the spec
 * (Deequ's data-type retention) are listed as comments so nothing is silently dropped.
 */
public final class SuggestedConstraints {
    private static final Pattern FRACTION = Pattern.compile("_ >= ([0-9.Ee-]+)");
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*|-?[0-9]+(\\.[0-9]+)?");
    private static final Set<String> YAML_WORDS = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SuggestedConstraints() {
    }

    /** The YAML block for {@code table} ({@code layer.table}) from profiling {@code data}. */
    public static String yaml(String table, Dataset<Row> data) {
        return render(table, DeequChecks.suggest(data));
    }

    static String render(String table, List<DeequChecks.Suggestion> suggestions) {
        Set<String> lines = new LinkedHashSet<>();
        Set<String> kindAndColumn = new HashSet<>();
        List<String> comments = new ArrayList<>();
        for (DeequChecks.Suggestion s : suggestions) {
            // Our own metadata columns (_batch_date, _source_file …) describe the run, not the data.
            if (s.column().startsWith("_") || !kindAndColumn.add(kind(s.rule()) + "|" + s.column())) {
                continue;
            }
            String column = "column: " + scalar(s.column());
            String fraction = fractionOf(s.code());
            switch (s.rule()) {
                case "CompleteIfCompleteRule" -> lines.add("{check: complete, " + column + "}");
                case "RetainCompletenessRule" -> lines.add("{check: complete, " + column + ", min_fraction: "
                        + fraction + "}");
                case "UniqueIfApproximatelyUniqueRule" -> lines.add("{check: unique, " + column + "}");
                case "NonNegativeNumbersRule" -> lines.add("{check: non_negative, " + column + "}");
                case "CategoricalRangeRule", "FractionalCategoricalRangeRule" -> lines.add(
                        "{check: allowed_values, " + column + ", values: [" + String.join(", ", values(s.code()))
                                + "]" + (fraction == null ? "" : ", min_fraction: " + fraction) + "}");
                default -> comments.add("# not translated (" + s.rule() + "): " + s.description());
            }
        }
        StringBuilder out = new StringBuilder("quality:\n  ").append(table).append(":\n");
        lines.forEach(l -> out.append("    - ").append(l).append('\n'));
        comments.forEach(c -> out.append("    ").append(c).append('\n'));
        return out.toString();
    }

    /**
     * The spec kind a Deequ rule maps to: the first suggestion of a kind on a column is kept (two
     * would share a name, and Deequ suggests the strict allowed values before the fractional ones).
     */
    private static String kind(String rule) {
        return switch (rule) {
            case "CompleteIfCompleteRule", "RetainCompletenessRule" -> "complete";
            case "CategoricalRangeRule", "FractionalCategoricalRangeRule" -> "allowed_values";
            default -> rule;
        };
    }

    private static String fractionOf(String code) {
        Matcher m = FRACTION.matcher(code);
        return m.find() ? m.group(1) : null;
    }

    /** The allowed values in {@code .isContainedIn("col", Array("a", "b") …)}, as YAML scalars. */
    private static List<String> values(String code) {
        List<String> values = new ArrayList<>();
        int at = code.indexOf("Array(");
        if (at < 0) {
            return values;
        }
        Matcher m = QUOTED.matcher(code);
        at += "Array(".length();
        // The quoted strings that follow one another, separated by commas, up to the closing parenthesis.
        while (m.find(at) && code.substring(at, m.start()).matches("[\\s,]*")) {
            values.add(scalar(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\")));
            at = m.end();
        }
        return values;
    }

    /** A plain YAML scalar where that reads back as the same string, a quoted one otherwise. */
    static String scalar(String value) {
        if (PLAIN.matcher(value).matches() && !YAML_WORDS.contains(value.toLowerCase(Locale.ROOT))
                && !value.matches("-?[0-9].*")) {
            return value;
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
