package io.medallion.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads a Delta table's latest version, a commit's {@code commitInfo} and which commits added
 * which files straight from the {@code _delta_log} folder. {@code DeltaTable.history()} answers
 * the same but runs a Spark job per call, which cost about 10 s across the demo's runs; a listing
 * and one small JSON file cost milliseconds. A commit is one {@code <version>.json} file created
 * atomically, so the highest such file is the latest version.
 */
public final class DeltaLogFiles {
    private static final Pattern COMMIT_FILE = Pattern.compile("(\\d{20})\\.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeltaLogFiles() {
    }

    /** The table's latest committed version, or -1 when the table has no commit. */
    public static long latestVersion(Configuration hadoop, String tablePath) {
        List<Long> versions = versions(hadoop, tablePath);
        return versions.isEmpty() ? -1 : versions.get(versions.size() - 1);
    }

    /** The versions of the commits still in the table's log, oldest first; empty without a log. */
    private static List<Long> versions(Configuration hadoop, String tablePath) {
        Path log = log(tablePath);
        try {
            FileSystem fs = log.getFileSystem(hadoop);
            List<Long> versions = new ArrayList<>();
            if (!fs.exists(log)) {
                return versions;
            }
            for (FileStatus f : fs.listStatus(log)) {
                Matcher m = COMMIT_FILE.matcher(f.getPath().getName());
                if (m.matches()) {
                    versions.add(Long.parseLong(m.group(1)));
                }
            }
            versions.sort(Comparator.naturalOrder());
            return versions;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the Delta log " + log, e);
        }
    }

    private static Path log(String tablePath) {
        return new Path(tablePath, "_delta_log");
    }

    private static Path commitFile(String tablePath, long version) {
        return new Path(log(tablePath), String.format("%020d.json", version));
    }

    /** The actions of one commit, one JSON object a line. */
    private static List<JsonNode> actions(Configuration hadoop, String tablePath, long version) {
        Path file = commitFile(tablePath, version);
        List<JsonNode> actions = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                file.getFileSystem(hadoop).open(file), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                actions.add(JSON.readTree(line));
            }
            return actions;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Delta commit " + file, e);
        }
    }

    /**
     * When the table was created: the time its first commit (version 0) was written; empty when
     * that commit is no longer in the log (Delta cleans up commits older than the log retention).
     */
    public static Optional<Instant> createdAt(Configuration hadoop, String tablePath) {
        Path first = commitFile(tablePath, 0);
        try {
            return Optional.of(Instant.ofEpochMilli(first.getFileSystem(hadoop).getFileStatus(first)
                    .getModificationTime()));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Delta commit " + first, e);
        }
    }

    /**
     * The operation, its parameters and its metrics as the commit recorded them.
     *
     * @param filesRemoved the commit's {@code remove} actions: the files it took out of the table,
     *                     which an overwrite's metrics leave uncounted
     * @param timestamp when the writer made the commit, as {@code commitInfo} records it
     */
    public record CommitInfo(long version, String operation, Map<String, String> operationParameters,
                             Map<String, String> operationMetrics, long filesRemoved, Instant timestamp) {
        /** The columns an {@code OPTIMIZE ... ZORDER BY} commit ordered by; empty for any other commit. */
        public List<String> zOrderBy() {
            String columns = operationParameters.get("zOrderBy");
            if (!"OPTIMIZE".equals(operation) || columns == null) {
                return List.of();
            }
            try {
                return List.of(JSON.readValue(columns, String[].class));
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable zOrderBy in Delta commit " + version + ": " + columns, e);
            }
        }

        /**
         * How many rows the table's change feed holds for this commit at least, from its metrics: an
         * append's rows, a MERGE's inserts and deletes and both images of its updates, a DELETE's
         * rows and both images of an UPDATE's. An overwrite's deleted rows are not in its metrics,
         * and a commit that changes no row (OPTIMIZE, VACUUM) or is unknown counts 0.
         */
        public long changedRowsAtLeast() {
            Map<String, String> m = operationMetrics;
            return switch (operation) {
                case "WRITE", "CREATE TABLE AS SELECT", "REPLACE TABLE AS SELECT", "CREATE OR REPLACE TABLE AS SELECT"
                        -> DeltaTables.metric(m, "numOutputRows");
                case "MERGE" -> DeltaTables.metric(m, "numTargetRowsInserted")
                        + 2 * DeltaTables.metric(m, "numTargetRowsUpdated") + DeltaTables.metric(m, "numTargetRowsDeleted");
                case "DELETE" -> DeltaTables.metric(m, "numDeletedRows");
                case "UPDATE" -> 2 * DeltaTables.metric(m, "numUpdatedRows");
                default -> 0;
            };
        }
    }

    /** The {@code commitInfo} of the table's latest commit. */
    public static CommitInfo latestCommit(Configuration hadoop, String tablePath) {
        long version = latestVersion(hadoop, tablePath);
        if (version < 0) {
            throw new IllegalStateException("no Delta table at " + tablePath);
        }
        return commit(hadoop, tablePath, version);
    }

    /**
     * The table's row count from its latest version's checksum file ({@code <version>.crc}), which
     * Delta writes beside a commit with every file of the table and its statistics while the table
     * has few files; empty when that file, its file list or a file's {@code numRecords} is missing.
     * Rows a deletion vector marks deleted are not counted.
     */
    public static java.util.OptionalLong rowCountFromChecksum(Configuration hadoop, String tablePath) {
        long version = latestVersion(hadoop, tablePath);
        if (version < 0) {
            return java.util.OptionalLong.empty();
        }
        Path crc = new Path(log(tablePath), String.format("%020d.crc", version));
        try (var in = crc.getFileSystem(hadoop).open(crc)) {
            JsonNode files = JSON.readTree(in).path("allFiles");
            if (!files.isArray()) {
                return java.util.OptionalLong.empty();
            }
            long rows = 0;
            for (JsonNode f : files) {
                JsonNode records = f.path("stats").isTextual() ? JSON.readTree(f.get("stats").asText()).path("numRecords")
                        : null;
                if (records == null || !records.canConvertToLong()) {
                    return java.util.OptionalLong.empty();
                }
                rows += records.asLong() - f.path("deletionVector").path("cardinality").asLong(0);
            }
            return java.util.OptionalLong.of(rows);
        } catch (FileNotFoundException e) {
            return java.util.OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Delta checksum " + crc, e);
        }
    }

    /**
     * The names of the table's columns at its latest version, without Spark: from that version's
     * checksum file, or else from the newest commit in the log that changed the table's metadata;
     * empty when neither says (no table, or only a checkpoint holds the schema).
     */
    public static Optional<List<String>> columnNames(Configuration hadoop, String tablePath) {
        List<Long> versions = versions(hadoop, tablePath);
        for (int i = versions.size() - 1; i >= 0; i--) {
            long v = versions.get(i);
            Optional<String> schema = schemaString(hadoop, new Path(log(tablePath), String.format("%020d.crc", v)),
                    true);
            if (schema.isEmpty()) {
                schema = schemaString(hadoop, new Path(log(tablePath), String.format("%020d.json", v)), false);
            }
            if (schema.isPresent()) {
                List<String> names = new java.util.ArrayList<>();
                try {
                    JSON.readTree(schema.get()).path("fields").forEach(f -> names.add(f.path("name").asText()));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the schema in the Delta log of " + tablePath, e);
                }
                return Optional.of(names);
            }
        }
        return Optional.empty();
    }

    /** The {@code schemaString} of a checksum's {@code metadata}, or of a commit's {@code metaData} action. */
    private static Optional<String> schemaString(Configuration hadoop, Path file, boolean checksum) {
        try (var in = file.getFileSystem(hadoop).open(file);
             var lines = new java.io.BufferedReader(new java.io.InputStreamReader(in,
                     java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode metadata = JSON.readTree(line).path(checksum ? "metadata" : "metaData");
                if (metadata.path("schemaString").isTextual()) {
                    return Optional.of(metadata.get("schemaString").asText());
                }
            }
            return Optional.empty();
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * The latest commit still in the log that {@code which} accepts, read from the latest back;
     * empty when none is (or the table has no log).
     */
    public static Optional<CommitInfo> lastCommit(Configuration hadoop, String tablePath, Predicate<CommitInfo> which) {
        List<Long> versions = versions(hadoop, tablePath);
        for (int i = versions.size() - 1; i >= 0; i--) {
            CommitInfo info = commitInfo(versions.get(i), actions(hadoop, tablePath, versions.get(i)), new ArrayList<>());
            if (info != null && which.test(info)) {
                return Optional.of(info);
            }
        }
        return Optional.empty();
    }

    /** The values of a partition column in the files one commit added, sorted; from the log alone. */
    public static List<String> addedPartitionValues(Configuration hadoop, String tablePath, long version,
                                                    String column) {
        java.util.TreeSet<String> values = new java.util.TreeSet<>();
        for (JsonNode action : actions(hadoop, tablePath, version)) {
            JsonNode value = action.path("add").path("partitionValues").path(column);
            if (value.isTextual()) {
                values.add(value.asText());
            }
        }
        return new ArrayList<>(values);
    }

    /** The {@code commitInfo} of one version of the table. */
    public static CommitInfo commit(Configuration hadoop, String tablePath, long version) {
        CommitInfo info = commitInfo(version, actions(hadoop, tablePath, version), new ArrayList<>());
        if (info == null) {
            throw new IllegalStateException(commitFile(tablePath, version) + " has no commitInfo");
        }
        return info;
    }

    /** The commit's {@code commitInfo} (null if it has none); the paths of the files it added go to {@code added}. */
    private static CommitInfo commitInfo(long version, List<JsonNode> actions, List<String> added) {
        JsonNode info = null;
        long removed = 0;
        for (JsonNode action : actions) {
            if (action.has("add")) {
                added.add(action.get("add").path("path").asText());
            } else if (action.has("remove")) {
                removed++;
            } else if (action.has("commitInfo")) {
                info = action.get("commitInfo");
            }
        }
        return info == null ? null : new CommitInfo(version, info.path("operation").asText(),
                texts(info.path("operationParameters")), texts(info.path("operationMetrics")), removed,
                Instant.ofEpochMilli(info.path("timestamp").asLong()));
    }

    private static Map<String, String> texts(JsonNode object) {
        Map<String, String> values = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        return values;
    }

    /**
     * Which of {@code files} (data file paths as the log writes them) the commits that {@code by}
     * accepts added. Reads the commits from the latest back until every one of {@code files} has
     * been seen added, or no older commit is left in the log (Delta removes commits older than the
     * log retention): a file whose commit is gone counts as not added by such a commit.
     */
    public static Set<String> addedBy(Configuration hadoop, String tablePath, Predicate<CommitInfo> by,
                                      Set<String> files) {
        Set<String> unseen = new HashSet<>(files);
        Set<String> accepted = new HashSet<>();
        List<Long> versions = versions(hadoop, tablePath);
        for (int i = versions.size() - 1; i >= 0 && !unseen.isEmpty(); i--) {
            List<String> added = new ArrayList<>();
            CommitInfo info = commitInfo(versions.get(i), actions(hadoop, tablePath, versions.get(i)), added);
            added.removeIf(p -> !unseen.remove(p));
            if (info != null && by.test(info)) {
                accepted.addAll(added);
            }
        }
        return accepted;
    }
}
