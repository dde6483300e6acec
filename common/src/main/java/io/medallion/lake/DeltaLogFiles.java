package io.medallion.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads a Delta table's latest version and a commit's {@code commitInfo} straight from the
 * {@code _delta_log} folder. {@code DeltaTable.history()} answers the same but runs a Spark job
 * per call, which cost about 10 s across the demo's runs; a listing and one small JSON file cost
 * milliseconds. A commit is one {@code <version>.json} file created atomically, so the highest
 * such file is the latest version.
 */
public final class DeltaLogFiles {
    private static final Pattern COMMIT_FILE = Pattern.compile("(\\d{20})\\.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeltaLogFiles() {
    }

    /** The table's latest committed version, or -1 when the table has no commit. */
    public static long latestVersion(Configuration hadoop, String tablePath) {
        Path log = new Path(tablePath, "_delta_log");
        try {
            FileSystem fs = log.getFileSystem(hadoop);
            if (!fs.exists(log)) {
                return -1;
            }
            long latest = -1;
            for (FileStatus f : fs.listStatus(log)) {
                Matcher m = COMMIT_FILE.matcher(f.getPath().getName());
                if (m.matches()) {
                    latest = Math.max(latest, Long.parseLong(m.group(1)));
                }
            }
            return latest;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the Delta log " + log, e);
        }
    }

    /** The operation and its metrics as the commit recorded them. */
    public record CommitInfo(long version, String operation, Map<String, String> operationMetrics) {
    }

    /** The {@code commitInfo} of the table's latest commit. */
    public static CommitInfo latestCommit(Configuration hadoop, String tablePath) {
        long version = latestVersion(hadoop, tablePath);
        if (version < 0) {
            throw new IllegalStateException("no Delta table at " + tablePath);
        }
        return commit(hadoop, tablePath, version);
    }

    /** The {@code commitInfo} of one version of the table. */
    public static CommitInfo commit(Configuration hadoop, String tablePath, long version) {
        Path file = new Path(new Path(tablePath, "_delta_log"), String.format("%020d.json", version));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                file.getFileSystem(hadoop).open(file), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode info = JSON.readTree(line).get("commitInfo");
                if (info != null) {
                    Map<String, String> metrics = new LinkedHashMap<>();
                    info.path("operationMetrics").fields()
                            .forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asText()));
                    return new CommitInfo(version, info.path("operation").asText(), metrics);
                }
            }
            throw new IllegalStateException(file + " has no commitInfo");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Delta commit " + file, e);
        }
    }
}
