package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.jobs.gold.GoldJob;
import io.medallion.run.Job;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medallion gold}. */
@Command(name = "gold", mixinStandardHelpOptions = true,
        description = {
            "Materialize the spec's gold models (Spark SQL files over silver tables and other models) as",
            "gold/<model>, each after the models it reads.",
            "",
            "A model whose inputs did not change since its last refresh is left alone. An incremental model",
            "(the default; needs partition_by) rewrites only the partitions its changed input rows touch, found",
            "from the Delta change feed of its inputs; refresh: full models are rebuilt whole. Inputs are read at",
            "pinned versions recorded in ops.gold_progress, so reruns and backfills are idempotent. After each",
            "refresh the model's grain must be complete and unique, or the model exits 3 and the models that",
            "read it are not refreshed."
        })
final class GoldCommand extends JobCommand {
    @Option(names = "--full-refresh", description = "Rebuild every selected model whole.")
    boolean fullRefresh;

    @Option(names = {"--table", "--model"}, paramLabel = "MODEL",
            description = "Only this gold model, as fact_sales or gold.fact_sales (repeatable; default: every model).")
    List<String> models = new ArrayList<>();

    @Override
    List<io.medallion.lake.TableRef> writes(PipelineSpec spec) {
        return TableSelection.models(spec, models).stream().map(m -> io.medallion.lake.TableRef.gold(m.name()))
                .toList();
    }

    @Override
    Job job(PipelineSpec spec) {
        return new GoldJob(TableSelection.models(spec, models), fullRefresh);
    }
}
