package io.medallion.config;

import java.util.Objects;

/**
 * Where a table's raw data comes from and how to read it: landing files, or a database.
 *
 * @param glob which file names are data (others, like {@code _SUCCESS}, are ignored)
 * @param layout how the files are arranged in folders, which gives each file its batch date
 * @param partitionKey the folder key of {@link LandingLayout#HIVE} ({@code <key>=<yyyy-MM-dd>})
 * @param delimiter field separator for {@link SourceFormat#DELIMITED} and {@link SourceFormat#CSV}
 * @param trailingDelimiter whether each delimited line ends with the delimiter, as dbgen writes it
 * @param csv the CSV dialect, for {@link SourceFormat#CSV}
 * @param jdbc the database and how to extract it, for {@link SourceFormat#JDBC}; null for files
 */
public record SourceSpec(SourceFormat format, String path, String glob, LandingLayout layout, String partitionKey,
                         String delimiter, boolean trailingDelimiter, CsvOptions csv, JdbcSpec jdbc) implements java.io.Serializable {

    public SourceSpec {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(glob, "glob");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(delimiter, "delimiter");
        Objects.requireNonNull(csv, "csv");
        if ((format == SourceFormat.JDBC) != (jdbc != null)) {
            throw new IllegalArgumentException("a jdbc source, and only a jdbc source, has its database settings");
        }
    }

    /** A database source: no files, no folders. */
    public static SourceSpec database(JdbcSpec jdbc) {
        return new SourceSpec(SourceFormat.JDBC, "", "*", LandingLayout.FLAT, SpecKeys.PARTITION_KEY.defaultValue(),
                SpecKeys.DELIMITER.defaultValue(), false, SpecKeys.defaultCsv(), jdbc);
    }

    /** Date folders, the default CSV dialect. */
    public SourceSpec(SourceFormat format, String path, String glob, String delimiter, boolean trailingDelimiter) {
        this(format, path, glob, LandingLayout.DATE_FOLDERS, SpecKeys.PARTITION_KEY.defaultValue(), delimiter,
                trailingDelimiter, SpecKeys.defaultCsv(), null);
    }
}
