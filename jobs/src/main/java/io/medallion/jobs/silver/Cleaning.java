package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.medallion.config.ColumnSpec;
import io.medallion.config.Pii;
import io.medallion.config.Standardize;
import io.medallion.config.TableSpec;
import io.medallion.config.ValueFormat;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Declarative cleaning from the spec, as Spark columns: bronze text in, typed values out.
 * Numbers and dates are trimmed and parsed; text is kept as it arrived unless a standardization is
 * declared; empty text becomes null; values are cast to the declared type; decimals keep their declared precision (never a double). Personal data is protected
 * separately, after the rules have seen the real values.
 */
public final class Cleaning {
    private Cleaning() {
    }

    /** The bronze text of each declared column, taken from a change event's JSON image. */
    public static Dataset<Row> fromImage(Dataset<Row> bronze, TableSpec table, String imageColumn) {
        StructType asText = new StructType();
        for (ColumnSpec c : table.schema()) {
            asText = asText.add(c.name(), DataTypes.StringType, true);
        }
        String image = "_parsed_image";
        Dataset<Row> parsed = bronze.withColumn(image, from_json(col(imageColumn), asText));
        for (ColumnSpec c : table.schema()) {
            parsed = parsed.withColumn(c.name(), col(image).getField(c.name()));
        }
        return parsed.drop(image);
    }

    /**
     * Bronze with every declared column. A column the spec gained after bronze stored a row is
     * taken, for that row, from {@code _rescued}, where bronze keeps the undeclared fields of JSON,
     * CSV and typed files; so a column added to the spec reaches the rows that arrived before. With
     * no {@code _rescued} (a delimited source keeps no undeclared field) such a column is null.
     */
    public static Dataset<Row> withDeclaredColumns(Dataset<Row> bronze, TableSpec table) {
        java.util.Map<String, org.apache.spark.sql.types.DataType> stored = new java.util.HashMap<>();
        for (org.apache.spark.sql.types.StructField f : bronze.schema().fields()) {
            stored.put(f.name(), f.dataType());
        }
        boolean rescued = stored.containsKey(io.medallion.lake.BronzeColumns.RESCUED);
        List<ColumnSpec> missing = table.schema().stream().filter(c -> !stored.containsKey(c.name())).toList();
        if (!rescued) {
            for (ColumnSpec c : missing) {
                bronze = bronze.withColumn(c.name(), lit(null).cast(DataTypes.StringType));
            }
            return bronze;
        }
        // Undeclared fields as text: a number or an object keeps its JSON text, as a declared field's would.
        Column fields = from_json(col(io.medallion.lake.BronzeColumns.RESCUED),
                DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), java.util.Map.of());
        for (ColumnSpec c : table.schema()) {
            Column fromRescued = fields.getItem(c.name());
            org.apache.spark.sql.types.DataType type = stored.get(c.name());
            bronze = bronze.withColumn(c.name(), type == null ? fromRescued
                    : org.apache.spark.sql.functions.coalesce(col(c.name()), fromRescued.cast(type)));
        }
        return bronze;
    }

    /** Replaces each declared column's text with its cleaned, typed value; other columns pass through. */
    public static Dataset<Row> typed(Dataset<Row> text, TableSpec table) {
        List<Column> columns = new ArrayList<>();
        for (org.apache.spark.sql.types.StructField field : text.schema().fields()) {
            String name = field.name();
            // Typed files arrive in bronze with their declared types: only text needs parsing.
            boolean typed = !field.dataType().equals(DataTypes.StringType);
            columns.add(table.column(name).map(c -> typed ? col(name) : clean(c)).orElse(col(name)));
        }
        return text.select(columns.toArray(new Column[0]));
    }

    static Column clean(ColumnSpec c) {
        boolean text = c.type().kind() == io.medallion.config.ColumnType.Kind.STRING;
        // Numbers and dates are parsed, so surrounding spaces never matter; text keeps them unless declared.
        Column value = text && c.standardize() == Standardize.NONE ? col(c.name()) : trim(col(c.name()));
        value = when(value.equalTo(""), lit(null).cast(DataTypes.StringType)).otherwise(value);
        value = switch (c.standardize()) {
            case NONE, TRIM -> value;
            case UPPER -> upper(value);
            case LOWER, EMAIL -> lower(value);
            case PHONE -> phone(value);
        };
        ValueFormat format = c.format();
        Column typed = switch (c.type().kind()) {
            case DATE -> to_date(value, format.pattern() == null ? "yyyy-MM-dd" : format.pattern());
            // The zone goes into the text, so the instant does not depend on the session's time zone.
            case TIMESTAMP -> format.pattern() == null ? value.cast(c.type().sparkType())
                    : to_timestamp(concat(value, lit(" " + format.zone())), format.pattern() + " VV");
            case BOOLEAN -> format.trueValues().isEmpty() && format.falseValues().isEmpty()
                    ? value.cast(c.type().sparkType())
                    : when(lower(value).isin(texts(format.trueTexts(), "true")), lit(true))
                            .when(lower(value).isin(texts(format.falseTexts(), "false")), lit(false))
                            .otherwise(lit(null).cast(DataTypes.BooleanType));
            case STRING -> value;
            default -> value.cast(c.type().sparkType());
        };
        return typed.as(c.name());
    }

    /** The spec's texts for one boolean value, plus JSON's own literal, which JSON sources send. */
    private static Object[] texts(List<String> declared, String literal) {
        List<String> all = new ArrayList<>(declared);
        all.add(literal);
        return all.toArray();
    }

    /** Twelve digits, in any punctuation, become TPC-H's {@code 25-989-741-2988}; anything else is left for rules to judge. */
    private static Column phone(Column value) {
        Column digits = regexp_replace(value, "[^0-9]", "");
        Column grouped = regexp_replace(digits, "^([0-9]{2})([0-9]{3})([0-9]{3})([0-9]{4})$", "$1-$2-$3-$4");
        return when(length(digits).equalTo(12), grouped).otherwise(value);
    }

    /**
     * Hashes or masks the columns declared {@code pii}. The salt is a secret from the environment,
     * so hashes cannot be reversed by hashing guesses, and stay joinable across tables and runs.
     */
    public static Dataset<Row> protect(Dataset<Row> rows, TableSpec table, String salt) {
        Dataset<Row> result = rows;
        for (ColumnSpec c : table.schema()) {
            if (c.pii() != Pii.NONE) {
                result = result.withColumn(c.name(), protectedValue(c, col(c.name()), salt));
            }
        }
        return result;
    }

    /** One value as {@link #protect} stores it: hashed, masked, or unchanged when the column is not {@code pii}. */
    public static Column protectedValue(ColumnSpec c, Column value, String salt) {
        return switch (c.pii()) {
            case NONE -> value;
            case HASH -> when(value.isNull(), lit(null).cast(DataTypes.StringType))
                    .otherwise(sha2(concat(lit(salt), value.cast(DataTypes.StringType)), 256));
            // Keep the last four characters: enough to recognise a value, not to use it.
            case MASK -> when(value.isNull(), lit(null).cast(DataTypes.StringType))
                    .when(length(value).leq(4), stars(length(value)))
                    .otherwise(concat(stars(length(value).minus(4)), substring(value, -4, 4)));
        };
    }

    private static Column stars(Column count) {
        return call_function("repeat", lit("*"), count);
    }
}
