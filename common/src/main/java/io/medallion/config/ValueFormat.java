package io.medallion.config;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a column's text is written, when not in the default form: a {@code java.time} pattern for
 * dates and timestamps ({@code MMM d yyyy}), the zone of timestamps written without an offset, and
 * the words of booleans. Bronze checks values with it and silver parses them with the same
 * pattern, so a value that bronze accepts is never a null in silver.
 *
 * @param pattern the date or timestamp pattern; null for ISO ({@code 2024-01-31}, {@code 2024-01-31T10:00:00Z})
 * @param timezone where a timestamp without an offset was written; UTC when not given
 * @param trueValues the texts of true (any case); empty for {@code true}
 * @param falseValues the texts of false (any case); empty for {@code false}
 */
public record ValueFormat(String pattern, String timezone, List<String> trueValues, List<String> falseValues)
        implements Serializable {
    public static final ValueFormat NONE = new ValueFormat(null, null, List.of(), List.of());

    public ValueFormat {
        trueValues = trueValues.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
        falseValues = falseValues.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
    }

    /** The zone timestamps without an offset are read in. */
    public String zone() {
        return timezone == null ? "UTC" : timezone;
    }

    public List<String> trueTexts() {
        return trueValues.isEmpty() ? List.of("true") : trueValues;
    }

    public List<String> falseTexts() {
        return falseValues.isEmpty() ? List.of("false") : falseValues;
    }

    /**
     * The pattern as Spark's parser applies it: case-insensitive, English month and day names,
     * strict (no 31 February). Spark reads {@code y} as the proleptic year, which strict
     * {@code java.time} calls {@code u}.
     */
    public static DateTimeFormatter formatter(String pattern) {
        StringBuilder converted = new StringBuilder();
        boolean quoted = false;
        for (char c : pattern.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            }
            converted.append(!quoted && c == 'y' ? 'u' : c);
        }
        return new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(converted.toString())
                .toFormatter(Locale.US).withChronology(IsoChronology.INSTANCE).withResolverStyle(ResolverStyle.STRICT);
    }

    /** Why {@code text} (trimmed, not empty) is not a value of {@code type} in this format; empty when it is. */
    Optional<String> problemWith(ColumnType type, String text) {
        String value = text.trim();
        switch (type.kind()) {
            case DATE, TIMESTAMP -> {
                if (pattern == null) {
                    return type.problemWith(text);
                }
                try {
                    if (type.kind() == ColumnType.Kind.DATE) {
                        LocalDate.parse(value, formatter(pattern));
                    } else {
                        formatter(pattern).withZone(ZoneId.of(zone()))
                                .parseBest(value, ZonedDateTime::from, LocalDateTime::from);
                    }
                    return Optional.empty();
                } catch (DateTimeException e) {
                    return Optional.of("not a " + type + " in the format '" + pattern + "': '" + text + "'");
                }
            }
            case BOOLEAN -> {
                String lower = value.toLowerCase(Locale.ROOT);
                return trueTexts().contains(lower) || falseTexts().contains(lower) ? Optional.empty()
                        : Optional.of("not a boolean (" + String.join(", ", trueTexts()) + " or "
                                + String.join(", ", falseTexts()) + "): '" + text + "'");
            }
            default -> {
                return type.problemWith(text);
            }
        }
    }
}
