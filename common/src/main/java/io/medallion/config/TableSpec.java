package io.medallion.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One table of the pipeline.
 *
 * @param key the business key; empty for tables without one
 * @param latestBy columns (declared or bronze metadata) whose largest value marks the latest version of a key
 * @param partitionBy silver partition columns; bronze is always partitioned by {@code _batch_date}
 * @param cdc present when the source is a change feed
 */
public record TableSpec(String name, SourceSpec source, List<ColumnSpec> schema, List<String> key,
                        List<String> latestBy, List<String> partitionBy, Optional<CdcSpec> cdc) {
    public TableSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        schema = List.copyOf(schema);
        key = List.copyOf(key);
        latestBy = List.copyOf(latestBy);
        partitionBy = List.copyOf(partitionBy);
        Objects.requireNonNull(cdc, "cdc");
    }

    public Optional<ColumnSpec> column(String columnName) {
        return schema.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    public List<String> columnNames() {
        return schema.stream().map(ColumnSpec::name).toList();
    }
}
