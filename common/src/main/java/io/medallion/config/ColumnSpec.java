package io.medallion.config;

import java.util.Objects;
import java.util.Optional;

/**
 * One declared column: name, where its value comes from, type, how its text is written, whether
 * silver requires a value, and how silver cleans it.
 *
 * @param from the source's name for the field: a CSV header, or a JSON key or dotted path
 *     ({@code address.city}); the column's name unless the spec says otherwise
 * @param format how dates, timestamps and booleans are written, when not in the default form
 * @param standardize normalisation of text after trimming
 * @param pii how silver stores personal data
 */
public record ColumnSpec(String name, String from, ColumnType type, ValueFormat format, boolean required,
                         Standardize standardize, Pii pii) implements java.io.Serializable {
    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(standardize, "standardize");
        Objects.requireNonNull(pii, "pii");
    }

    /** A column read by its own name, in the default value format. */
    public ColumnSpec(String name, ColumnType type, boolean required, Standardize standardize, Pii pii) {
        this(name, name, type, ValueFormat.NONE, required, standardize, pii);
    }

    /** A column with no cleaning beyond the cast. */
    public ColumnSpec(String name, ColumnType type, boolean required) {
        this(name, type, required, Standardize.NONE, Pii.NONE);
    }

    /**
     * Why {@code text} is not a value of this column, or empty when it is. Empty text is a null,
     * which is a rule question for silver, not a parse error.
     */
    public Optional<String> problemWith(String text) {
        return text == null || text.isEmpty() ? Optional.empty() : format.problemWith(type, text);
    }
}
