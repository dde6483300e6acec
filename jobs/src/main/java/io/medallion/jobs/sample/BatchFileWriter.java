package io.medallion.jobs.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes one table's records (dbgen lines, or change events as JSON text), encoded by the
 * opener's files, into its batch folders, {@code <table>/<yyyy-MM-dd>/<table>-0001.<ext>},
 * starting a new part file every {@code rowsPerFile} records so that bronze can read a large batch
 * in parallel. Works on any Hadoop file system (local, s3a).
 */
final class BatchFileWriter implements AutoCloseable {
    private final FileSystem fs;
    private final Path tableDir;
    private final String table;
    private final String extension;
    private final GeneratorSettings settings;
    private final int rowsPerFile;
    private final RecordFile.Opener<String> opener;
    private final List<RecordFile<String>> writers;
    private final int[] linesInPart;
    private final int[] parts;
    private final List<String> files = new ArrayList<>();

    BatchFileWriter(FileSystem fs, Path landingRoot, String table, String extension, GeneratorSettings settings,
                    RecordFile.Opener<String> opener) {
        this.fs = fs;
        this.opener = opener;
        this.tableDir = new Path(landingRoot, table);
        this.table = table;
        this.extension = extension;
        this.settings = settings;
        this.rowsPerFile = settings.rowsPerFile();
        this.writers = new ArrayList<>(java.util.Collections.nCopies(settings.batches(), null));
        this.linesInPart = new int[settings.batches()];
        this.parts = new int[settings.batches()];
    }

    void write(int batch, String record) {
        try {
            if (writers.get(batch) == null || linesInPart[batch] >= rowsPerFile) {
                if (writers.get(batch) != null) {
                    writers.get(batch).close();
                }
                parts[batch]++;
                writers.set(batch, open(batch, String.format("%s-%04d.%s", table, parts[batch], extension), opener));
                linesInPart[batch] = 0;
            }
            writers.get(batch).write(record);
            linesInPart[batch]++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write landing file for " + table + ": " + e.getMessage(), e);
        }
    }

    /** Opens a file named {@code name} in the batch's folder, and records it. */
    <R> RecordFile<R> open(int batch, String name, RecordFile.Opener<R> with) throws IOException {
        Path file = new Path(new Path(tableDir, settings.batchDate(batch).toString()), name);
        files.add(table + "/" + settings.batchDate(batch) + "/" + name);
        return with.open(fs, file);
    }

    /** Landing-relative paths of the files written, in creation order. */
    List<String> files() {
        return List.copyOf(files);
    }

    @Override
    public void close() throws IOException {
        for (RecordFile<String> w : writers) {
            if (w != null) {
                w.close();
            }
        }
    }
}
