package io.medallion.jobs.maintain;

import io.delta.tables.DeltaOptimizeBuilder;
import io.delta.tables.DeltaTable;
import io.medallion.config.MaintenanceSpec;
import io.medallion.lake.DeltaTables;
import io.medallion.lake.TableFiles;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * OPTIMIZE of the partitions that have more small files than the table's threshold, by bin-packing
 * or, where the spec declares {@code zorder_by}, by Z-order (on a table with liquid clustering,
 * Delta's OPTIMIZE clusters by the table's clustering columns instead). A file is small below half the target
 * size, which is also where Delta's OPTIMIZE starts to take it, so what OPTIMIZE leaves behind is
 * not small again and a second run finds nothing to do.
 *
 * <p>A Z-ordered table's partition is also due when files that no Z-order wrote (new appends,
 * MERGE rewrites) hold at least {@link #UNORDERED_SHARE} of its bytes: a table written in a few
 * large MERGEs never has small files, yet its queries only skip files once it is Z-ordered. Z-order
 * rewrites the whole partition, so a small share of new files waits for more to come.
 */
final class Compaction {
    private Compaction() {
    }

    /** What a compaction did: the partitions it rewrote (as predicates) and Delta's figures. */
    record Result(List<String> partitions, long filesAdded, long filesRemoved) {
        static final Result NONE = new Result(List.of(), 0, 0);
    }

    static final double UNORDERED_SHARE = 0.1;

    static long smallBelow(MaintenanceSpec spec) {
        return spec.targetFileSize() / 2;
    }

    /**
     * The size to give Delta's Z-order so that its files come out near the target size. Delta
     * writes {@code floor(partition bytes / maxFileSize)} files for a Z-ordered partition, so a file
     * can grow to twice maxFileSize: a 230 MB table and a 128 MB target made one 230 MB file, which a
     * selective query then read whole. At two thirds of the target the files land between two
     * thirds and four thirds of it (two files of 115 MB there), still well above the small-file
     * line, so a second run finds nothing to do.
     */
    static long zorderMaxFileSize(MaintenanceSpec spec) {
        return spec.targetFileSize() * 2 / 3;
    }

    /**
     * The partitions due for compaction (more small files than the threshold, or a Z-ordered table's
     * partition with new files), as OPTIMIZE predicates.
     */
    static List<String> due(TableFiles.Summary files, MaintenanceSpec spec) {
        return files.partitions().stream().filter(p -> p.smallFiles() > spec.smallFileThreshold() || unordered(p))
                .map(p -> TableFiles.predicate(files.partitionColumns(), p)).toList();
    }

    /** More than one file (one file gains nothing from Z-order), and enough of them not Z-ordered. */
    private static boolean unordered(TableFiles.Partition p) {
        return p.files() > 1 && p.unorderedBytes() > 0 && p.unorderedBytes() >= UNORDERED_SHARE * p.bytes();
    }

    /** The table's files, with the bytes not yet Z-ordered when the spec Z-orders it. */
    static TableFiles.Summary summarize(SparkSession session, String path, MaintenanceSpec spec, String where) {
        return TableFiles.summarize(session, path, smallBelow(spec), spec.zorderBy(), where);
    }

    /**
     * Compacts {@code partitions} of the table; {@code session} must be this table's own session,
     * since the target size is a session setting.
     */
    static Result run(SparkSession session, String path, MaintenanceSpec spec, List<String> partitionColumns,
                      List<String> partitions) {
        if (partitions.isEmpty()) {
            return Result.NONE;
        }
        session.conf().set("spark.databricks.delta.optimize.maxFileSize",
                spec.zorderBy().isEmpty() ? spec.targetFileSize() : zorderMaxFileSize(spec));
        session.conf().set("spark.databricks.delta.optimize.minFileSize", smallBelow(spec));
        DeltaOptimizeBuilder optimize = DeltaTable.forPath(session, path).optimize();
        if (!partitionColumns.isEmpty()) {
            optimize = optimize.where(String.join(" OR ", partitions));
        }
        if (spec.zorderBy().isEmpty()) {
            optimize.executeCompaction();
        } else {
            optimize.executeZOrderBy(spec.zorderBy().toArray(new String[0]));
        }
        Map<String, String> m = DeltaTables.lastCommitMetrics(session, path, "OPTIMIZE");
        return new Result(partitions, DeltaTables.metric(m, "numAddedFiles"), DeltaTables.metric(m, "numRemovedFiles"));
    }

    /**
     * Whether {@code spec} can Z-order or cluster this table: not by a partition column, and not
     * cluster a partitioned table, which Delta refuses.
     */
    static Optional<String> problem(MaintenanceSpec spec, List<String> partitionColumns, List<String> columns) {
        if (!spec.clusterBy().isEmpty() && !partitionColumns.isEmpty()) {
            return Optional.of("cluster_by needs an unpartitioned table (liquid clustering replaces partitioning); "
                    + "the table is partitioned by " + String.join(", ", partitionColumns));
        }
        for (String c : spec.clusterBy()) {
            if (!columns.contains(c)) {
                return Optional.of("cluster_by names '" + c + "', which the table does not have (columns: "
                        + String.join(", ", columns) + ")");
            }
        }
        for (String c : spec.zorderBy()) {
            if (partitionColumns.contains(c)) {
                return Optional.of("zorder_by names partition column '" + c + "'; Z-order works within a partition, "
                        + "so name other columns");
            }
            if (!columns.contains(c)) {
                return Optional.of("zorder_by names '" + c + "', which the table does not have (columns: "
                        + String.join(", ", columns) + ")");
            }
        }
        return Optional.empty();
    }
}
