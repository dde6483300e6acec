package io.medallion.config;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** A column's declared type, as written in the spec: {@code bigint}, {@code decimal(15,2)}, {@code date} … */
public record ColumnType(Kind kind, int precision, int scale) implements java.io.Serializable {

    public enum Kind { STRING, INT, BIGINT, DECIMAL, DATE, TIMESTAMP, BOOLEAN, DOUBLE }

    public static final String VALID = "string, int, bigint, decimal(p,s), date, timestamp, boolean, double";

    private static final Pattern DECIMAL = Pattern.compile("decimal\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

    public ColumnType {
        if (kind == Kind.DECIMAL && (precision < 1 || precision > 38 || scale < 0 || scale > precision)) {
            throw new IllegalArgumentException("decimal precision must be 1..38 and scale 0..precision");
        }
    }

    /** Parses a type name; empty when the name is not a type we support. */
    public static Optional<ColumnType> parse(String text) {
        String name = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = DECIMAL.matcher(name);
        if (m.matches()) {
            int p = Integer.parseInt(m.group(1));
            int s = Integer.parseInt(m.group(2));
            if (p < 1 || p > 38 || s > p) {
                return Optional.empty();
            }
            return Optional.of(new ColumnType(Kind.DECIMAL, p, s));
        }
        for (Kind kind : Kind.values()) {
            if (kind != Kind.DECIMAL && kind.name().toLowerCase(Locale.ROOT).equals(name)) {
                return Optional.of(new ColumnType(kind, 0, 0));
            }
        }
        return Optional.empty();
    }

    public DataType sparkType() {
        return switch (kind) {
            case STRING -> DataTypes.StringType;
            case INT -> DataTypes.IntegerType;
            case BIGINT -> DataTypes.LongType;
            case DECIMAL -> DataTypes.createDecimalType(precision, scale);
            case DATE -> DataTypes.DateType;
            case TIMESTAMP -> DataTypes.TimestampType;
            case BOOLEAN -> DataTypes.BooleanType;
            case DOUBLE -> DataTypes.DoubleType;
        };
    }

    /**
     * Why {@code text} is not a value of this type, or empty when it is. Empty text is a null,
     * which is a rule question for silver, not a parse error.
     */
    public Optional<String> problemWith(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        try {
            switch (kind) {
                case STRING -> { }
                case INT -> Integer.parseInt(text.trim());
                case BIGINT -> Long.parseLong(text.trim());
                case DOUBLE -> Double.parseDouble(text.trim());
                case DATE -> {
                    if (!isIsoDate(text.trim())) {
                        return Optional.of("not a date: '" + text + "'");
                    }
                }
                case TIMESTAMP -> java.time.Instant.parse(text.trim());
                case BOOLEAN -> {
                    String b = text.trim().toLowerCase(Locale.ROOT);
                    if (!b.equals("true") && !b.equals("false")) {
                        return Optional.of("not a boolean: '" + text + "'");
                    }
                }
                case DECIMAL -> {
                    BigDecimal value = new BigDecimal(text.trim());
                    if (value.scale() > scale || value.precision() - value.scale() > precision - scale) {
                        return Optional.of("does not fit " + this + ": '" + text + "'");
                    }
                }
            }
            return Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.of("not a number: '" + text + "'");
        } catch (DateTimeParseException e) {
            return Optional.of("not a " + kind.name().toLowerCase(Locale.ROOT) + ": '" + text + "'");
        }
    }

    /**
     * Whether the text is an ISO local date, as {@link LocalDate#parse} would take it. The usual
     * yyyy-MM-dd is checked by hand: a formatter's parse costs a bronze ingest a tenth of its time.
     */
    static boolean isIsoDate(String text) {
        if (text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            if (year >= 0 && month >= 0 && day >= 0) {
                return month >= 1 && month <= 12 && day >= 1 && day <= YearMonth.of(year, month).lengthOfMonth();
            }
        }
        try {
            LocalDate.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** The number the ASCII digits from {@code start} to {@code end} spell; -1 if any is not a digit. */
    private static int digits(String text, int start, int end) {
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    @Override
    public String toString() {
        return kind == Kind.DECIMAL ? "decimal(" + precision + "," + scale + ")" : kind.name().toLowerCase(Locale.ROOT);
    }
}
