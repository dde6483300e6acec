package io.medallion.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole pipeline spec after overlays and substitution: immutable and validated.
 *
 * @param piiSalt the secret that salts {@code pii: hash} columns ({@code privacy.pii_salt}); empty when not set
 * @param gold the gold models in declaration order
 * @param quality the declared data-quality constraints per {@code layer.table}, in declaration order
 * @param maintenance how maintain treats each table, by {@code layer.table}: every table of the pipeline
 * @param maintenanceDeclared whether the spec has a {@code maintenance} section (the pipeline then runs maintain)
 */
public record PipelineSpec(String name, String file, StorageSpec storage, SparkSpec spark, String piiSalt,
                           Map<String, TableSpec> tables, Map<String, GoldModelSpec> gold,
                           Map<String, List<ConstraintSpec>> quality, Map<String, MaintenanceSpec> maintenance,
                           boolean maintenanceDeclared) {
    public PipelineSpec {
        Objects.requireNonNull(name, "name");
        piiSalt = piiSalt == null ? "" : piiSalt;
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(spark, "spark");
        tables = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tables));
        gold = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(gold));
        quality = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(quality));
        maintenance = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(maintenance));
    }

    /** How maintain treats {@code layer.table}, and the properties the table is created with. */
    public MaintenanceSpec maintenance(String layer, String table) {
        MaintenanceSpec spec = maintenance.get(layer + "." + table);
        if (spec == null) {
            throw new IllegalArgumentException(layer + "." + table + " is not a table of " + file);
        }
        return spec;
    }

    /**
     * The tables a job should work on: all of them in spec order, or the named ones.
     *
     * @throws IllegalArgumentException naming the unknown table and the known ones
     */
    public List<TableSpec> select(List<String> names) {
        if (names == null || names.isEmpty()) {
            return List.copyOf(tables.values());
        }
        List<TableSpec> selected = new ArrayList<>();
        for (String n : names) {
            TableSpec t = tables.get(n);
            if (t == null) {
                throw new IllegalArgumentException("unknown table '" + n + "' in --table; tables in "
                        + file + ": " + String.join(", ", tables.keySet()));
            }
            selected.add(t);
        }
        return List.copyOf(selected);
    }
}
