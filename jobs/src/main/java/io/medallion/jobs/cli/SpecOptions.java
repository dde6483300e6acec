package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options of every command that reads a pipeline spec, declared once: which spec, which env
 * overlays, Spark settings over them, and how log lines look.
 */
public final class SpecOptions {
    @Option(names = "--pipeline", paramLabel = "FILE", defaultValue = PipelineSpecLoader.DEFAULT_PIPELINE,
            description = "The pipeline spec (default: ${DEFAULT-VALUE}).")
    Path pipeline;

    @Option(names = "--env", paramLabel = "NAME[,NAME]", defaultValue = PipelineSpecLoader.DEFAULT_ENV,
            description = {"Env overlays merged over the spec in order: conf/env/NAME.yaml, or paths to .yaml files",
                "(default: ${DEFAULT-VALUE}; e.g. cluster, or local,s3 for local Spark with the lake on S3)."})
    String env;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Log lines as 'text' or 'json' (one object per line, on stderr). Default: ${DEFAULT-VALUE}.")
    LogFormat logFormat;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A Spark setting that wins over the profile and the spec (repeatable); spark.hadoop.* "
                    + "settings also reach the files read before Spark starts.")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    /** How log lines are written; read by Main before logging starts. */
    public enum LogFormat { text, json }

    PipelineSpec load() {
        return PipelineSpecLoader.fromProcess().load(resolvedPipeline(), env);
    }

    /**
     * The default spec is found in the installation ({@code MEDALLION_HOME}, set by the launcher)
     * when the working directory has none, so the launcher works from any directory.
     */
    Path resolvedPipeline() {
        String home = System.getenv("MEDALLION_HOME");
        if (pipeline.equals(Path.of(PipelineSpecLoader.DEFAULT_PIPELINE)) && !pipeline.toFile().exists()
                && home != null) {
            return Path.of(home).resolve(PipelineSpecLoader.DEFAULT_PIPELINE);
        }
        return pipeline;
    }
}
