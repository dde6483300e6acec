package io.medallion.jobs.cli;

import io.medallion.config.ConstraintSpec;
import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.jobs.quality.QualityJob;
import io.medallion.run.Job;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medallion quality}. */
@Command(name = "quality", mixinStandardHelpOptions = true, subcommands = QualitySuggestCommand.class,
        description = {
            "Check a layer's tables against the constraints declared in the spec's quality section.",
            "",
            "Each table's constraints run as one Deequ verification (one scan of the table); references",
            "constraints add a join each. Every outcome is appended to ops.quality_results, every measured value",
            "and each table's row count to ops.quality_metrics, and a report to ops/quality_reports. Exit 3 when",
            "an error-level constraint fails; failed warnings are logged and recorded, and the run exits 0.",
            "Anomaly checks compare a metric with its value on the latest earlier run date.",
            "",
            "medallion quality suggest --table LAYER.TABLE prints suggested constraints for a table."
        })
final class QualityCommand extends SparkJobCommand {
    // Checked in suites(), not by picocli, so that `quality suggest` does not need it.
    @Option(names = "--layer", paramLabel = "LAYER",
            description = "The layer to check: bronze, silver or gold (required).")
    String layer;

    @Override
    List<TableSpec> tables(PipelineSpec spec) {
        suites(spec, layer, jobOptions.tables);
        return List.of();
    }

    @Override
    Job job(PipelineSpec spec) {
        return new QualityJob(layer, suites(spec, layer, jobOptions.tables));
    }

    /**
     * The declared suites of {@code layer}, or of its tables named in {@code tables} (without the
     * layer: {@code --table lineitem}).
     *
     * @throws IllegalArgumentException for an unknown layer, or a table with no declared constraints
     */
    static Map<String, List<ConstraintSpec>> suites(PipelineSpec spec, String layer, List<String> tables) {
        if (layer == null) {
            throw new IllegalArgumentException("--layer is required: bronze, silver or gold");
        }
        if (!List.of("bronze", "silver", "gold").contains(layer)) {
            throw new IllegalArgumentException("--layer must be bronze, silver or gold, got '" + layer + "'");
        }
        Map<String, List<ConstraintSpec>> inLayer = new LinkedHashMap<>();
        spec.quality().forEach((table, constraints) -> {
            if (table.startsWith(layer + ".")) {
                inLayer.put(table, constraints);
            }
        });
        if (tables.isEmpty()) {
            return inLayer;
        }
        Map<String, List<ConstraintSpec>> selected = new LinkedHashMap<>();
        for (String t : tables) {
            List<ConstraintSpec> constraints = inLayer.get(layer + "." + t);
            if (constraints == null) {
                throw new IllegalArgumentException("no constraints are declared for " + layer + "." + t + " in "
                        + spec.file() + " (key 'quality'); tables with constraints in " + layer + ": "
                        + String.join(", ", inLayer.keySet()));
            }
            selected.put(layer + "." + t, constraints);
        }
        return selected;
    }
}
