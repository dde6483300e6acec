package io.medallion.jobs.bronze.source;

import io.medallion.config.ValueFormat;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The narrowest type that fits every sampled value of one column: int, bigint, decimal(p,s),
 * double, boolean, date or timestamp (with the pattern they are written in), else string. Text
 * from CSV may be any of them; a JSON string stays a string unless it is a date or a timestamp,
 * as bronze reads JSON (a string holding a number is not a number).
 */
final class ColumnGuess {
    static final List<String> DATE_PATTERNS = List.of("MMM d yyyy", "d MMM yyyy", "dd/MM/yyyy", "MM/dd/yyyy",
            "yyyy/MM/dd", "dd.MM.yyyy", "dd-MM-yyyy");
    static final List<String> TIMESTAMP_PATTERNS = List.of("yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm",
            "yyyy-MM-dd'T'HH:mm:ss", "dd/MM/yyyy HH:mm:ss", "dd/MM/yyyy HH:mm", "MM/dd/yyyy HH:mm:ss",
            "MM/dd/yyyy HH:mm");
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final Pattern LEADING_ZERO = Pattern.compile("-?0\\d+.*");

    private final List<String> texts = new ArrayList<>();
    private final Set<String> jsonKinds = new LinkedHashSet<>();
    private boolean sawNull;

    /** A value as text; {@code jsonKind} is "number", "boolean", "string" or "other" for JSON, null for CSV. */
    void add(String text, String jsonKind) {
        if (text == null || text.isEmpty()) {
            sawNull = true;
            return;
        }
        texts.add(text);
        if (jsonKind != null) {
            jsonKinds.add(jsonKind);
        }
    }

    boolean complete() {
        return !sawNull && !texts.isEmpty();
    }

    /** The type, and for dates and timestamps the pattern (null for ISO), as the spec writes them. */
    record Guess(String type, String format, List<String> trueValues, List<String> falseValues) {
    }

    Guess guess() {
        if (texts.isEmpty() || jsonKinds.contains("other") || jsonKinds.size() > 1) {
            return new Guess("string", null, List.of(), List.of());
        }
        boolean json = !jsonKinds.isEmpty();
        boolean anyText = !json || jsonKinds.contains("string");
        boolean anyNumber = !json || jsonKinds.contains("number");
        if (anyNumber && !(json && anyText)) {
            String numeric = numeric();
            if (numeric != null) {
                return new Guess(numeric, null, List.of(), List.of());
            }
        }
        if (!json || jsonKinds.contains("boolean")) {
            Guess bool = bool();
            if (bool != null) {
                return bool;
            }
        }
        if (anyText) {
            if (all(t -> LocalDate.parse(t.trim()))) {
                return new Guess("date", null, List.of(), List.of());
            }
            if (all(t -> Instant.parse(t.trim()))) {
                return new Guess("timestamp", null, List.of(), List.of());
            }
            for (String p : DATE_PATTERNS) {
                if (all(t -> LocalDate.parse(t.trim(), ValueFormat.formatter(p)))) {
                    return new Guess("date", p, List.of(), List.of());
                }
            }
            for (String p : TIMESTAMP_PATTERNS) {
                if (all(t -> LocalDateTime.parse(t.trim(), ValueFormat.formatter(p)))) {
                    return new Guess("timestamp", p, List.of(), List.of());
                }
            }
        }
        return new Guess("string", null, List.of(), List.of());
    }

    private String numeric() {
        if (texts.stream().anyMatch(t -> LEADING_ZERO.matcher(t.trim()).matches())) {
            return null; // 007 or 02134: codes, not numbers; a number would lose the zeros
        }
        if (all(t -> Integer.parseInt(t.trim()))) {
            return "int";
        }
        if (all(t -> Long.parseLong(t.trim()))) {
            return "bigint";
        }
        if (texts.stream().allMatch(t -> PLAIN_DECIMAL.matcher(t.trim()).matches())) {
            int scale = 0;
            int digits = 0;
            for (String t : texts) {
                BigDecimal d = new BigDecimal(t.trim());
                scale = Math.max(scale, Math.max(d.scale(), 0));
                digits = Math.max(digits, d.precision() - d.scale());
            }
            if (digits + scale <= 38) {
                return "decimal(" + Math.max(digits + scale, 1) + "," + scale + ")";
            }
        }
        if (all(t -> Double.parseDouble(t.trim()))) {
            return "double";
        }
        return null;
    }

    private Guess bool() {
        Set<String> words = new LinkedHashSet<>();
        texts.forEach(t -> words.add(t.trim().toLowerCase(Locale.ROOT)));
        if (Set.of("true", "false").containsAll(words)) {
            return new Guess("boolean", null, List.of(), List.of());
        }
        for (List<String> pair : List.of(List.of("yes", "no"), List.of("y", "n"), List.of("t", "f"))) {
            if (Set.copyOf(pair).containsAll(words)) {
                return new Guess("boolean", null, List.of(pair.get(0)), List.of(pair.get(1)));
            }
        }
        return null;
    }

    private interface Parse {
        void apply(String text) throws Exception;
    }

    private boolean all(Parse parse) {
        for (String t : texts) {
            try {
                parse.apply(t);
            } catch (NumberFormatException | DateTimeParseException e) {
                return false;
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }
}
