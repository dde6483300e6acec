package io.medallion.config;

import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Binds the spec's {@code gold} models: reads each model's SQL file, parses it, and checks that
 * every table it reads is a silver table or another gold model of this pipeline, and that models
 * reading models form no cycle, so a typo fails at load with the file's name instead of deep inside
 * a Spark job.
 */
final class GoldBinder {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private GoldBinder() {
    }

    static Map<String, GoldModelSpec> bind(SpecNode gold, Path specDirectory, Collection<TableSpec> tables) {
        Map<String, GoldModelSpec> models = new LinkedHashMap<>();
        Map<String, SpecNode> nodes = gold.map(m -> m);
        List<TableRef> valid = new ArrayList<>(PipelineTables.in(Layer.SILVER, PipelineTables.of(tables, List.of(), true)));
        nodes.keySet().forEach(name -> valid.add(TableRef.gold(name)));
        nodes.forEach((name, node) -> {
            if (!NAME.matcher(name).matches()) {
                throw node.error("model name '" + name + "' must be lower case letters, digits and _ and start "
                        + "with a letter");
            }
            models.put(name, bindModel(name, node, specDirectory, valid));
        });
        Map<String, List<String>> reads = new LinkedHashMap<>();
        models.values().forEach(m -> reads.put(m.name(), m.goldInputs()));
        List<String> cycle = Dependencies.cycle(reads);
        if (!cycle.isEmpty()) {
            GoldModelSpec first = models.get(cycle.get(0));
            throw new SpecException(first.sqlFile(), "gold." + first.name() + ".sql", "gold models read each other "
                    + "in a cycle: " + String.join(" -> ", cycle) + "; a model is built after the models it reads, "
                    + "so one of these reads must go");
        }
        return models;
    }

    /** @param valid the tables a model may read: the pipeline's silver tables and gold models */
    private static GoldModelSpec bindModel(String name, SpecNode node, Path specDirectory, List<TableRef> valid) {
        node.allowOnly(SpecKeys.in(SpecKeys.MODEL));
        String sqlSetting = SpecKeys.SQL.read(node);
        Path file = specDirectory.resolve(sqlSetting).normalize();
        String sql;
        try {
            sql = Files.readString(file);
        } catch (IOException e) {
            throw node.error("sql", "cannot read the model's SQL file " + file + " (" + e.getMessage()
                    + "); paths are relative to the spec's directory");
        }
        List<String> inputs;
        try {
            inputs = SqlRelations.of(sql);
        } catch (IllegalArgumentException e) {
            throw new SpecException(file.toString(), "gold." + name + ".sql", e.getMessage(), e);
        }
        List<TableRef> refs = new ArrayList<>();
        for (String input : inputs) {
            TableRef ref = TableRef.isQualified(input) ? TableRef.parse(input) : null;
            if (ref != null && ref.equals(TableRef.gold(name))) {
                throw new SpecException(file.toString(), "gold." + name + ".sql", "reads itself ('" + input
                        + "'); a model is computed from the tables it reads, so it cannot be one of them");
            }
            if (ref == null || !valid.contains(ref)) {
                throw new SpecException(file.toString(), "gold." + name + ".sql", "reads '" + input
                        + "', which is not a table of this pipeline; a model reads silver tables and other gold "
                        + "models by layer and name (valid: " + PipelineTables.names(valid) + ")");
            }
            refs.add(ref);
        }
        if (inputs.isEmpty()) {
            throw new SpecException(file.toString(), "gold." + name + ".sql", "reads no table");
        }
        GoldRefresh refresh = SpecKeys.REFRESH.read(node);
        List<String> partitionBy = SpecKeys.MODEL_PARTITION_BY.read(node);
        if (refresh == GoldRefresh.INCREMENTAL && partitionBy.isEmpty() && node.has("refresh")) {
            throw node.error("refresh", "incremental refresh rewrites partitions; declare partition_by, or use "
                    + "refresh: full");
        }
        List<String> grain = SpecKeys.GRAIN.read(node);
        if (grain.isEmpty()) {
            throw node.error("grain", "declare the columns that identify one row of the model");
        }
        Optional<List<String>> output = SqlColumns.output(sql);
        if (output.isPresent()) {
            for (SpecKey<List<String>> key : List.of(SpecKeys.GRAIN, SpecKeys.MODEL_PARTITION_BY)) {
                for (String column : key.read(node)) {
                    if (!output.get().contains(column)) {
                        throw node.error(key.name(), "'" + column + "' is not a column the model's SQL selects "
                                + "(it selects: " + String.join(", ", output.get()) + ")");
                    }
                }
            }
        }
        return new GoldModelSpec(name, SpecKeys.MODEL_DESCRIPTION.read(node), file.toString(), sql, refs, grain,
                partitionBy, refresh);
    }

}
