package io.medallion.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;

/**
 * {@code deploy/bin/medallion demo} run once per build, through the launcher as a newcomer runs
 * it. The demo's test checks what it printed; tests that build the same TPC-H lake another way
 * (on S3) compare theirs with its lake, rather than building a second one on local disk. The
 * integration tests run in parallel JVMs, so the first to ask runs the demo under a file lock and
 * records its result beside the lake; the others wait for the lock and read it. The lake stays in
 * {@code jobs/target/demo-lake} after the tests, where the cluster check
 * ({@code deploy/standalone/run-tpch.sh}) takes it as its local-mode reference. Tests that go on
 * from a built TPC-H lake (reruns, late files, rebuilds) work on a {@link #copy} of it.
 */
public final class DemoLake {
    private static final Path DIR = Path.of("target", "demo-lake").toAbsolutePath();
    private static final Path RESULT = Path.of("target", "demo-lake.json").toAbsolutePath();
    private static CliProcess.Result result;

    private DemoLake() {
    }

    /** The demo's run: SF 0.01 in two daily batches, generated and run through the pipeline. */
    public static synchronized CliProcess.Result run() throws IOException, InterruptedException {
        if (result == null) {
            // A result left by an earlier build (mvn verify without clean) is not this code's.
            String build = System.getProperty("medallion.build.id", "");
            ObjectMapper json = new ObjectMapper();
            try (FileChannel lock = FileChannel.open(Path.of("target", "demo-lake.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = lock.lock()) {
                if (Files.exists(RESULT) && !build.isEmpty()
                        && build.equals(json.readTree(RESULT.toFile()).path("build").asText())) {
                    result = json.treeToValue(json.readTree(RESULT.toFile()).path("result"), CliProcess.Result.class);
                } else {
                    result = runDemo();
                    json.writeValue(RESULT.toFile(), Map.of("build", build, "result", result));
                }
            }
        }
        return result;
    }

    private static CliProcess.Result runDemo() throws IOException, InterruptedException {
        if (Files.exists(DIR)) {
            delete();
        }
        Files.createDirectories(DIR);
        return new CliProcess(DIR, Map.of("MEDALLION_LAKE_ROOT", DIR.resolve("lake").toString(),
                "MEDALLION_LANDING_ROOT", DIR.resolve("landing").toString())).launcher("demo");
    }

    /** The demo's lake root, as a URI, once the demo has run (and succeeded). */
    public static String lake() throws IOException, InterruptedException {
        CliProcess.Result demo = run();
        if (demo.exitCode() != 0) {
            throw new IllegalStateException("the demo failed, so its lake cannot be compared with: " + demo);
        }
        return DIR.resolve("lake").toUri().toString();
    }

    /**
     * A copy of the demo's lake and landing data in {@code target}'s {@code lake} and
     * {@code landing}, for a test to change. Bronze knows its landing files by absolute path, so
     * the copy's {@code ops.ingested_files} is pointed at the copied landing: to bronze the copy is
     * a lake that was built from there.
     */
    public static Path copy(Path target) throws IOException, InterruptedException {
        Path demo = Path.of(java.net.URI.create(lake())).getParent();
        for (String part : new String[] {"lake", "landing"}) {
            Path from = demo.resolve(part);
            try (var paths = Files.walk(from)) {
                for (Path p : (Iterable<Path>) paths::iterator) {
                    Path to = target.resolve(part).resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        String ingested = target.resolve("lake/ops/ingested_files").toUri().toString();
        var spark = io.medallion.testing.TestSpark.session();
        String from = "file:" + demo.resolve("landing") + "/";
        long moved = spark.sql("UPDATE delta.`" + ingested + "` SET file = replace(file, '" + from + "', 'file:"
                + target.resolve("landing") + "/') WHERE startswith(file, '" + from + "')").first().getLong(0);
        long files = spark.read().format("delta").load(ingested).count();
        if (moved != files || files == 0) {
            throw new IllegalStateException(moved + " of the copy's " + files + " ingested files were moved to its landing");
        }
        return target;
    }

    private static void delete() {
        try (var paths = Files.walk(DIR)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
