package io.medallion.config;

import java.util.Objects;

/**
 * Where a table's files land and how to read them. Files live under
 * {@code <landing root>/<path>/<yyyy-MM-dd>/}, the folder naming the batch date.
 *
 * @param glob which file names in a batch folder are data (others, like {@code _SUCCESS}, are ignored)
 * @param delimiter field separator for {@link SourceFormat#DELIMITED}
 * @param trailingDelimiter whether each delimited line ends with the delimiter, as dbgen writes it
 */
public record SourceSpec(SourceFormat format, String path, String glob, String delimiter,
                         boolean trailingDelimiter) {

    public SourceSpec {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(glob, "glob");
        Objects.requireNonNull(delimiter, "delimiter");
    }
}
