package io.medallion.jobs;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code io.medallion.jobs.Main} as its own process, the way the launcher does: a fresh
 * JVM with the Java 17 flags Spark needs, this test JVM's classpath, and the given environment.
 */
public final class CliProcess {
    /** What a finished process left. */
    public record Result(int exitCode, String stdout, String stderr, long millis) {
        @Override
        public String toString() {
            return "exit " + exitCode + " after " + millis + " ms\n--- stdout\n" + stdout + "\n--- stderr\n"
                    + stderr.substring(Math.max(0, stderr.length() - 6000));
        }
    }

    private final Path workDir;
    private final Map<String, String> env;

    public CliProcess(Path workDir, Map<String, String> env) {
        this.workDir = workDir;
        this.env = Map.copyOf(env);
    }

    public Result run(String... args) throws IOException, InterruptedException {
        return runWithJvmOptions(List.of(), args);
    }

    /** Runs with extra JVM options, e.g. a {@code -Dmedallion.crash-at=} point. */
    public Result runWithJvmOptions(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        return exec(javaCommand(jvmOptions, args));
    }

    private static List<String> javaCommand(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1500m");
        command.addAll(jvmOptions);
        for (String jvmArg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (jvmArg.startsWith("--add-opens") || jvmArg.startsWith("-Djdk.reflect") || jvmArg.startsWith("-XX:")) {
                command.add(jvmArg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.medallion.jobs.Main");
        command.addAll(List.of(args));
        return command;
    }

    /** A process started with {@link #start}, still running. */
    public static final class Running {
        private final Process process;
        private final Path out;
        private final Path err;
        private final long start = System.nanoTime();

        private Running(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /** Waits until a line of its log (stderr) contains {@code text}; false if it ended first or the time ran out. */
        public boolean awaitLog(String text, java.time.Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (Files.readString(err).contains(text)) {
                    return true;
                }
                if (!process.isAlive()) {
                    return false;
                }
                Thread.sleep(100);
            }
            return false;
        }

        public Result await() throws IOException, InterruptedException {
            if (!process.waitFor(20, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("the process did not finish in 20 minutes");
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err),
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Starts {@code io.medallion.jobs.Main} as {@link #run} does, without waiting for it. */
    public Running start(String... args) throws IOException {
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(javaCommand(List.of(), args)).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(env);
        return new Running(pb.start(), out, err);
    }

    /** Runs the installed launcher, {@code deploy/bin/medallion}, as a user would. */
    public Result launcher(String... args) throws IOException, InterruptedException {
        Path launcher = Path.of("..", "deploy", "bin", "medallion").toAbsolutePath().normalize();
        List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
        command.addAll(List.of(args));
        return exec(command);
    }

    private Result exec(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        // A hang guard, not a speed limit: a whole backfill with maintain takes about 6 minutes here.
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 20 minutes");
        }
        Result result = new Result(p.exitValue(), Files.readString(out), Files.readString(err),
                (System.nanoTime() - start) / 1_000_000);
        record(command, result);
        return result;
    }

    /** Appends each process's time to target/cli-processes.tsv: where an integration test's minutes go. */
    private static void record(List<String> command, Result result) {
        String caller = StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
                .filter(name -> name.endsWith("IT") || name.endsWith("Test")).findFirst().orElse("?"));
        List<String> args = command.subList(Math.max(0, command.indexOf("io.medallion.jobs.Main") + 1), command.size());
        String line = caller.substring(caller.lastIndexOf('.') + 1) + "\t" + result.millis() + "\t" + result.exitCode()
                + "\t" + String.join(" ", args).replace('\t', ' ') + "\n";
        try {
            Files.writeString(Path.of("target", "cli-processes.tsv"), line, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // Only a measurement: a test does not fail for it.
        }
    }
}
