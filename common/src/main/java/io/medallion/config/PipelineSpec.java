package io.medallion.config;

import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole pipeline spec after overlays and substitution: immutable and validated.
 *
 * @param piiSalt the secret that salts {@code pii: hash} columns ({@code privacy.pii_salt}); empty when not set
 * @param gold the gold models in declaration order
 * @param quality the declared data-quality constraints per table, in declaration order
 * @param maintenance how maintain treats each bronze, silver and gold table of the pipeline
 * @param maintenanceDeclared whether the spec has a {@code maintenance} section (the pipeline then runs maintain)
 * @param operations the run report, metrics and alerts of a pipeline run
 * @param warnings what the spec should write another way (old spellings), each naming its file and key
 */
public record PipelineSpec(String name, String file, StorageSpec storage, SparkSpec spark, String piiSalt,
                           Map<String, TableSpec> tables, Map<String, GoldModelSpec> gold,
                           Map<TableRef, List<ConstraintSpec>> quality, Map<TableRef, MaintenanceSpec> maintenance,
                           boolean maintenanceDeclared, OperationsSpec operations, List<String> warnings) {
    public PipelineSpec {
        Objects.requireNonNull(name, "name");
        piiSalt = piiSalt == null ? "" : piiSalt;
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(spark, "spark");
        tables = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tables));
        gold = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(gold));
        quality = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(quality));
        maintenance = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(maintenance));
        Objects.requireNonNull(operations, "operations");
        warnings = List.copyOf(warnings);
    }

    /**
     * The table's columns as far as the spec tells them before any run: a bronze or silver table's
     * declared ones (with bronze's own), a gold model's when its outermost select names each; empty
     * when they are known only once its SQL runs, or for a table the spec does not make.
     */
    public List<String> columns(TableRef table) {
        return PipelineTables.columns(tables.values(), gold).getOrDefault(table, List.of());
    }

    /** How maintain treats the table, and the properties the table is created with. */
    public MaintenanceSpec maintenance(TableRef table) {
        MaintenanceSpec spec = maintenance.get(table);
        if (spec == null) {
            throw new IllegalArgumentException(table + " is not a table of " + file);
        }
        return spec;
    }

    /** The declared constraints of {@code layer}'s tables, in declaration order. */
    public Map<TableRef, List<ConstraintSpec>> quality(Layer layer) {
        Map<TableRef, List<ConstraintSpec>> inLayer = new java.util.LinkedHashMap<>();
        quality.forEach((table, constraints) -> {
            if (table.layer() == layer) {
                inLayer.put(table, constraints);
            }
        });
        return inLayer;
    }
}
