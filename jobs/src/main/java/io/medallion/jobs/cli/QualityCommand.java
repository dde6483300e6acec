package io.medallion.jobs.cli;

import io.medallion.config.ConstraintSpec;
import io.medallion.config.PipelineSpec;
import io.medallion.jobs.quality.QualityJob;
import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import io.medallion.run.Job;
import io.medallion.run.JobRunner;
import java.util.ArrayList;
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
            "Silver's run also checks each table's freshness section: data older than error_after exits 3.",
            "",
            "medallion quality suggest --table LAYER.TABLE prints suggested constraints for a table.",
            "A layer with no declared constraints is reported and exits 0 without starting Spark."
        })
final class QualityCommand extends JobCommand {
    @Option(names = "--layer", paramLabel = "LAYER",
            description = "The layer to check: bronze, silver or gold (needed unless every --table names its layer).")
    String layer;

    @Option(names = "--table", paramLabel = "TABLE",
            description = {"Only this table's constraints: lineitem (in --layer) or silver.lineitem (repeatable;",
                "default: every table of the layer with constraints)."})
    List<String> tables = new ArrayList<>();

    private Map<TableRef, List<ConstraintSpec>> suites;
    private List<io.medallion.config.TableSpec> fresh;

    @Override
    JobRunner.SessionBody prepare(PipelineSpec spec) {
        Layer checked = layer == null ? null : parseLayer(layer);
        if (checked == null && tables.isEmpty()) {
            throw new IllegalArgumentException("--layer is required: " + Layer.names(Layer.DATA));
        }
        suites = TableSelection.suites(spec, checked, tables);
        fresh = TableSelection.fresh(spec, checked, tables);
        if (suites.isEmpty() && fresh.isEmpty()) {
            out().println("no quality constraints are declared for layer " + checked + " in " + spec.file()
                    + " (key 'quality'); nothing to check");
            return null;
        }
        return super.prepare(spec);
    }

    @Override
    Job job(PipelineSpec spec) {
        List<Layer> layers = new ArrayList<>(suites.keySet().stream().map(TableRef::layer).distinct().toList());
        if (!fresh.isEmpty() && !layers.contains(Layer.SILVER)) {
            layers.add(Layer.SILVER);
        }
        if (layers.size() > 1) {
            throw new IllegalArgumentException("--table names tables of " + Layer.names(layers)
                    + "; a quality run checks one layer");
        }
        return new QualityJob(layers.get(0), suites, fresh, java.time.Clock.systemUTC());
    }

    private static Layer parseLayer(String text) {
        return Layer.DATA.stream().filter(l -> l.specName().equals(text)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("--layer must be one of " + Layer.names(Layer.DATA) + ", got '" + text
                        + "'"));
    }
}
