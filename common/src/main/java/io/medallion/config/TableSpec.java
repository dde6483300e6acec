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
 * @param rules row rules silver applies; required columns are rules too, see {@link ColumnSpec#required()}
 * @param maxQuarantineRate the fraction of a run's rows that may be quarantined before the run fails (exit 3)
 * @param onGate what silver does with the batch when the table's gate fails
 * @param reconcile how {@code reconcile} judges a database source against the lake
 * @param freshness how old the table's data may be
 */
public record TableSpec(String name, SourceSpec source, List<ColumnSpec> schema, List<String> key,
                        List<String> latestBy, List<String> partitionBy, Optional<CdcSpec> cdc,
                        List<RuleSpec> rules, double maxQuarantineRate, QuarantineGate onGate,
                        ReconcileSpec reconcile, FreshnessSpec freshness) {
    /** A table without rules and with the default quarantine threshold. */
    public TableSpec(String name, SourceSpec source, List<ColumnSpec> schema, List<String> key,
                     List<String> latestBy, List<String> partitionBy, Optional<CdcSpec> cdc) {
        this(name, source, schema, key, latestBy, partitionBy, cdc, List.of(), SpecKeys.MAX_RATE.defaultValue());
    }

    /** A table with the default reconciliation. */
    public TableSpec(String name, SourceSpec source, List<ColumnSpec> schema, List<String> key,
                     List<String> latestBy, List<String> partitionBy, Optional<CdcSpec> cdc,
                     List<RuleSpec> rules, double maxQuarantineRate) {
        this(name, source, schema, key, latestBy, partitionBy, cdc, rules, maxQuarantineRate,
                SpecKeys.ON_GATE.defaultValue(), ReconcileSpec.DEFAULT, FreshnessSpec.NONE);
    }

    public TableSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        schema = List.copyOf(schema);
        key = List.copyOf(key);
        latestBy = List.copyOf(latestBy);
        partitionBy = List.copyOf(partitionBy);
        Objects.requireNonNull(cdc, "cdc");
        rules = List.copyOf(rules);
        if (!(maxQuarantineRate >= 0 && maxQuarantineRate <= 1)) {
            throw new IllegalArgumentException("maxQuarantineRate must be 0..1");
        }
        Objects.requireNonNull(onGate, "onGate");
        Objects.requireNonNull(reconcile, "reconcile");
        Objects.requireNonNull(freshness, "freshness");
    }

    public Optional<ColumnSpec> column(String columnName) {
        return schema.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    public List<String> columnNames() {
        return schema.stream().map(ColumnSpec::name).toList();
    }
}
