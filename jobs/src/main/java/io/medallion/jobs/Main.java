package io.medallion.jobs;

import io.medallion.jobs.cli.MedallionCommand;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The entry point for the launcher and for {@code spark-submit --class io.medallion.jobs.Main}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        configureLogging(args);
        CommandLine cmd = MedallionCommand.commandLine();
        // Standard output is the commands' own (sql --json lines, pipeline stage lines, YAML):
        // what libraries print there (Delta's VACUUM, Deequ's profiler) goes to standard error.
        cmd.setOut(new PrintWriter(System.out, true));
        System.setOut(System.err);
        System.exit(cmd.execute(args));
    }

    /**
     * Picks the log layout before anything logs: log4j reads its configuration once, at the first
     * logger. An explicit {@code -Dlog4j2.configurationFile} wins.
     */
    static void configureLogging(String[] args) {
        if (System.getProperty("log4j2.configurationFile") != null
                || System.getProperty("log4j.configurationFile") != null) {
            return;
        }
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log-format=json") || args[i].equals("--log-format") && i + 1 < args.length
                    && args[i + 1].equals("json")) {
                json = true;
            }
        }
        System.setProperty("log4j2.configurationFile",
                json ? "classpath:medallion-log4j2-json.properties" : "classpath:medallion-log4j2.properties");
    }
}
