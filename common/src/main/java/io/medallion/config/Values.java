package io.medallion.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers of single spec values, each failing with the key path and the value it could not read. */
public final class Values {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([hd])");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final long MB = 1024L * 1024;

    private Values() {
    }

    static boolean bool(SpecNode node) {
        String text = node.asText();
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw node.error("expected true or false, got '" + text + "'");
    }

    /**
     * The words of a boolean, as written: YAML turns unquoted yes, no, on and off into true and
     * false, which would lose the word, so those must be quoted.
     */
    static List<String> booleanTexts(SpecNode node) {
        List<SpecNode> items = node.isList() ? node.list(n -> n) : List.of(node);
        List<String> texts = new ArrayList<>();
        for (SpecNode item : items) {
            if (item.isBoolean()) {
                throw item.error("YAML reads this word as " + item.asText() + ", not as text: quote it, as in ['yes', 'no']");
            }
            texts.add(item.asText());
        }
        return texts;
    }

    /** Exactly one character, such as a quote. */
    static char character(SpecNode node) {
        String text = node.asText();
        if (text.length() != 1) {
            throw node.error("expected one character, got '" + text + "'");
        }
        return text.charAt(0);
    }

    /** A share from 0 to 1. */
    static double fraction(SpecNode node) {
        String text = node.asText();
        try {
            double value = Double.parseDouble(text);
            if (value >= 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw node.error("expected a fraction from 0 to 1 (0.01 = 1 %), got '" + text + "'");
    }

    static double number(SpecNode node) {
        String text = node.asText();
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw node.error("expected a number, got '" + text + "'");
        }
    }

    /** A size such as {@code 128MB}, in bytes. */
    static long size(SpecNode node) {
        Matcher m = SIZE.matcher(node.asText().trim());
        if (!m.matches()) {
            throw node.error("expected a size such as 64MB or 1GB, got '" + node.asText() + "'");
        }
        long unit = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "KB" -> 1024L;
            case "MB" -> MB;
            case "GB" -> 1024 * MB;
            default -> 1L;
        };
        long bytes = Long.parseLong(m.group(1)) * unit;
        if (bytes <= 0) {
            throw node.error("a file size must be above 0, got '" + node.asText() + "'");
        }
        return bytes;
    }

    /** A duration such as {@code 168h} or {@code 90d}, in hours. */
    static long hours(SpecNode node) {
        Matcher m = DURATION.matcher(node.asText().trim());
        if (!m.matches()) {
            throw node.error("expected a duration in hours or days such as 168h or 30d, got '" + node.asText() + "'");
        }
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("d") ? n * 24 : n;
    }

    /** A duration such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h} or {@code 1d}. */
    static java.time.Duration duration(SpecNode node) {
        try {
            return parseDuration(node.asText());
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    /** {@link #duration} of a command-line value. */
    public static java.time.Duration parseDuration(String text) {
        Matcher m = SHORT_DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a duration such as 30s, 5m, 2h or 1d, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> java.time.Duration.ofMillis(n);
            case "s" -> java.time.Duration.ofSeconds(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofDays(n);
        };
    }

    static int positive(SpecNode node) {
        try {
            int n = Integer.parseInt(node.asText());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw node.error("expected a whole number of at least 1, got '" + node.asText() + "'");
    }

    /** A list of scalars; a single scalar is a one-element list. */
    static List<String> strings(SpecNode node) {
        return node.isList() ? node.list(SpecNode::asText) : List.of(node.asText());
    }

    static <E extends Enum<E>> E enumValue(SpecNode node, Class<E> type) {
        String text = node.asText();
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(text)) {
                return e;
            }
        }
        throw node.error("'" + text + "' is not one of: " + enumNames(type));
    }

    static <E extends Enum<E>> String enumNames(Class<E> type) {
        List<String> valid = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            valid.add(e.name().toLowerCase(Locale.ROOT));
        }
        return String.join(", ", valid);
    }
}
