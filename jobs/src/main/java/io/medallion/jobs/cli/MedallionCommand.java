package io.medallion.jobs.cli;

import io.medallion.run.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code medallion}: the top-level command; each job is a subcommand. */
@Command(name = "medallion",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Spark batch lakehouse jobs: landing files -> bronze -> silver -> gold, with quality checks",
            "and maintenance, described by one pipeline spec (conf/pipelines/*.yaml).",
            "",
            "Each command is one job. Exit codes: 0 success; 1 the job failed (retry may help);",
            "2 usage or configuration error (Spark was not started; do not retry);",
            "3 a quality gate failed (the data needs attention)."
        },
        subcommands = {DemoCommand.class, GenerateCommand.class, BronzeCommand.class, SilverCommand.class,
            GoldCommand.class, QualityCommand.class, MaintainCommand.class, RestoreCommand.class, ArchiveCommand.class,
            PipelineCommand.class,
            ReconcileCommand.class, QuarantineCommand.class, StatusCommand.class, FreshnessCommand.class, SqlCommand.class, ConfigCommand.class, InferCommand.class, BareSparkCommand.class},
        footer = {"", "Run 'medallion <command> --help' for a command's options."})
public final class MedallionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** The configured command line: usage errors exit 2, uncaught failures exit 1. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new MedallionCommand());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setUsageHelpWidth(110);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            return ExitCode.FAILED;
        });
        cmd.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCode.USAGE;
        });
        return cmd;
    }
}
