package io.medallion.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

/**
 * {@code deploy/bin/medallion demo} run once per test JVM, through the launcher as a newcomer
 * runs it. The demo's test checks what it printed; tests that build the same TPC-H lake another
 * way (on S3) compare theirs with its lake, rather than building a second one on local disk. The
 * lake stays in {@code jobs/target/demo-lake} after the tests, where the cluster check
 * ({@code deploy/standalone/run-tpch.sh}) takes it as its local-mode reference.
 */
public final class DemoLake {
    private static Path dir;
    private static CliProcess.Result result;

    private DemoLake() {
    }

    /** The demo's run: SF 0.01 in two daily batches, generated and run through the pipeline. */
    public static synchronized CliProcess.Result run() throws IOException, InterruptedException {
        if (result == null) {
            dir = Path.of("target", "demo-lake").toAbsolutePath();
            if (Files.exists(dir)) {
                delete();
            }
            Files.createDirectories(dir);
            result = new CliProcess(dir, Map.of("MEDALLION_LAKE_ROOT", dir.resolve("lake").toString(),
                    "MEDALLION_LANDING_ROOT", dir.resolve("landing").toString())).launcher("demo");
        }
        return result;
    }

    /** The demo's lake root, as a URI, once the demo has run (and succeeded). */
    public static String lake() throws IOException, InterruptedException {
        CliProcess.Result demo = run();
        if (demo.exitCode() != 0) {
            throw new IllegalStateException("the demo failed, so its lake cannot be compared with: " + demo);
        }
        return dir.resolve("lake").toUri().toString();
    }

    private static void delete() {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
