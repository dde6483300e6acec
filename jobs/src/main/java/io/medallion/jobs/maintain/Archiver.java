package io.medallion.jobs.maintain;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.medallion.lake.TableRef;
import io.medallion.config.RetentionSpec;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.DeltaTables;
import io.medallion.run.CrashPoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * Row retention: rows older than the retention are copied to the archive (Parquet, partitioned by
 * the retention column), then deleted from the table. Each copy is a batch folder
 * {@code archive_batch=v<table version>_before_<cutoff>} that is marked {@code _cutoff} once complete and
 * {@code _deleted} once its rows are gone from the table. A crash between copy and delete leaves a
 * complete batch without {@code _deleted}; the next run copies only the old rows that batch does
 * not hold (EXCEPT ALL), deletes up to the later of the two cutoffs, and marks both, so nothing
 * is lost and no row is archived twice. A batch cut off mid-copy (no {@code _cutoff}) is removed
 * and redone. Like every job here, it assumes no other writer works on the table meanwhile.
 */
final class Archiver {
    static final String CRASH_AFTER_COPY = "maintain.after-archive-copy";
    static final String BATCH_PREFIX = "archive_batch=";
    private static final String CUTOFF = "_cutoff";
    private static final String DELETED = "_deleted";

    private Archiver() {
    }

    /**
     * @param archived rows copied to the archive by this run
     * @param deleted rows deleted from the table by this run (includes rows of an earlier, interrupted run's copy)
     * @param cutoff rows before this date are archived
     */
    record Result(long archived, long deleted, LocalDate cutoff, String location) {
    }

    private record Batch(Path dir, LocalDate cutoff) {
    }

    static String location(RetentionSpec retain, TableRef table) {
        return table.path(retain.archiveRoot());
    }

    static Result run(SparkSession spark, String path, TableRef table, RetentionSpec retain,
                      LocalDate runDate, boolean dryRun) throws IOException {
        String location = location(retain, table);
        Path root = new Path(location);
        FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
        List<Batch> pending = pendingBatches(fs, root, dryRun);
        LocalDate cutoff = runDate.minusDays(retain.keepDays());
        for (Batch b : pending) {
            cutoff = b.cutoff().isAfter(cutoff) ? b.cutoff() : cutoff;
        }
        long version = DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path);
        Dataset<Row> table0 = spark.read().format("delta").option("versionAsOf", version).load(path);
        Column old = col("`" + retain.column() + "`").lt(lit(java.sql.Date.valueOf(cutoff)));
        Dataset<Row> oldRows = table0.where(old);
        long oldCount = oldRows.count();
        if (oldCount == 0 && pending.isEmpty()) {
            return new Result(0, 0, cutoff, location);
        }
        Dataset<Row> toArchive = oldRows;
        for (Batch b : pending) {
            toArchive = toArchive.exceptAll(readBatch(spark, b.dir(), table0));
        }
        long toArchiveCount = pending.isEmpty() ? oldCount : toArchive.count();
        if (dryRun) {
            return new Result(toArchiveCount, oldCount, cutoff, location);
        }
        // Named by version and cutoff: the same name again means the same rows, already copied.
        Path batchDir = new Path(root, BATCH_PREFIX + "v" + version + "_before_" + cutoff);
        long archived = 0;
        if (toArchiveCount > 0 && !fs.exists(batchDir)) {
            toArchive.write().partitionBy(retain.column()).parquet(batchDir.toString());
            archived = spark.read().parquet(batchDir.toString()).count();
            if (archived != toArchiveCount) {
                throw new IllegalStateException("the archive batch " + batchDir + " holds " + archived
                        + " rows, expected " + toArchiveCount + "; nothing was deleted from the table");
            }
            write(fs, new Path(batchDir, CUTOFF), cutoff.toString());
        }
        CrashPoints.reached(CRASH_AFTER_COPY);
        long deleted = 0;
        if (oldCount > 0) {
            DeltaTable.forPath(spark, path).delete(old);
            deleted = DeltaTables.metric(DeltaTables.lastCommitMetrics(spark, path, "DELETE"), "numDeletedRows");
        }
        for (Batch b : pending) {
            write(fs, new Path(b.dir(), DELETED), cutoff.toString());
        }
        if (fs.exists(batchDir)) {
            write(fs, new Path(batchDir, DELETED), cutoff.toString());
        }
        return new Result(archived, deleted, cutoff, location);
    }

    /** Complete batches whose rows may still be in the table; incomplete copies are removed (unless dry run). */
    private static List<Batch> pendingBatches(FileSystem fs, Path root, boolean dryRun) throws IOException {
        List<Batch> pending = new ArrayList<>();
        if (!fs.exists(root)) {
            return pending;
        }
        for (FileStatus s : fs.listStatus(root)) {
            Path dir = s.getPath();
            if (!s.isDirectory() || !dir.getName().startsWith(BATCH_PREFIX)) {
                continue;
            }
            Path cutoff = new Path(dir, CUTOFF);
            if (!fs.exists(cutoff)) {
                if (!dryRun && !fs.delete(dir, true)) {
                    throw new IOException("cannot remove the incomplete archive batch " + dir);
                }
                continue;
            }
            if (!fs.exists(new Path(dir, DELETED))) {
                pending.add(new Batch(dir, LocalDate.parse(read(fs, cutoff))));
            }
        }
        return pending;
    }

    /** A batch's rows in the table's column order and types (the retention column comes back from the folder names). */
    private static Dataset<Row> readBatch(SparkSession spark, Path dir, Dataset<Row> like) {
        Dataset<Row> rows = spark.read().parquet(dir.toString());
        List<Column> columns = new ArrayList<>();
        for (StructField f : like.schema().fields()) {
            columns.add(col("`" + f.name() + "`").cast(f.dataType()).as(f.name()));
        }
        return rows.select(columns.toArray(new Column[0]));
    }

    private static void write(FileSystem fs, Path file, String text) {
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String read(FileSystem fs, Path file) throws IOException {
        try (var in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }
}
