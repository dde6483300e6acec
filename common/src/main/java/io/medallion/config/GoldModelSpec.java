package io.medallion.config;

import io.medallion.lake.TableRef;
import java.util.List;
import java.util.Objects;

/**
 * A gold model: a Spark SQL query over silver tables and other gold models, materialized as
 * {@code gold.<name>}.
 *
 * @param sqlFile where the SQL came from, for messages
 * @param sql the query, read and parsed when the spec loads
 * @param inputs the lake tables the query reads, ({@code silver.orders})
 * @param grain the columns that identify one row of the model
 * @param partitionBy the model's partition columns; incremental refresh rewrites whole partitions
 * @param refresh how a run rebuilds the model
 */
public record GoldModelSpec(String name, String description, String sqlFile, String sql, List<TableRef> inputs,
                            List<String> grain, List<String> partitionBy, GoldRefresh refresh) {
    public GoldModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sql, "sql");
        inputs = List.copyOf(inputs);
        grain = List.copyOf(grain);
        partitionBy = List.copyOf(partitionBy);
        Objects.requireNonNull(refresh, "refresh");
    }

    /** The other gold models the query reads: they are refreshed before this one. */
    public List<String> goldInputs() {
        return inputs.stream().filter(t -> t.layer() == io.medallion.lake.Layer.GOLD).map(TableRef::name).toList();
    }

    /** Whether a run may rewrite only the partitions its changed inputs touch. */
    public boolean incremental() {
        return refresh == GoldRefresh.INCREMENTAL && !partitionBy.isEmpty();
    }
}
