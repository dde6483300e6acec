package io.medallion.jobs.sample;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes one table's lines into its batch folders, {@code <table>/<yyyy-MM-dd>/<table>-0001.<ext>},
 * starting a new part file every {@code rowsPerFile} lines so that bronze can read a large batch
 * in parallel. Works on any Hadoop file system (local, s3a).
 */
final class BatchFileWriter implements AutoCloseable {
    private final FileSystem fs;
    private final Path tableDir;
    private final String table;
    private final String extension;
    private final GeneratorSettings settings;
    private final int rowsPerFile;
    private final Writer[] writers;
    private final int[] linesInPart;
    private final int[] parts;
    private final List<String> files = new ArrayList<>();

    BatchFileWriter(FileSystem fs, Path landingRoot, String table, String extension, GeneratorSettings settings) {
        this.fs = fs;
        this.tableDir = new Path(landingRoot, table);
        this.table = table;
        this.extension = extension;
        this.settings = settings;
        this.rowsPerFile = settings.rowsPerFile();
        this.writers = new Writer[settings.batches()];
        this.linesInPart = new int[settings.batches()];
        this.parts = new int[settings.batches()];
    }

    void write(int batch, String line) {
        try {
            if (writers[batch] == null || linesInPart[batch] >= rowsPerFile) {
                if (writers[batch] != null) {
                    writers[batch].close();
                }
                parts[batch]++;
                String name = String.format("%s-%04d.%s", table, parts[batch], extension);
                Path file = new Path(new Path(tableDir, settings.batchDate(batch).toString()), name);
                files.add(table + "/" + settings.batchDate(batch) + "/" + name);
                writers[batch] = new BufferedWriter(
                        new OutputStreamWriter(fs.create(file, true), StandardCharsets.UTF_8), 1 << 16);
                linesInPart[batch] = 0;
            }
            writers[batch].write(line);
            writers[batch].write('\n');
            linesInPart[batch]++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write landing file for " + table + ": " + e.getMessage(), e);
        }
    }

    /** Landing-relative paths of the files written, in creation order. */
    List<String> files() {
        return List.copyOf(files);
    }

    @Override
    public void close() throws IOException {
        for (Writer w : writers) {
            if (w != null) {
                w.close();
            }
        }
    }
}
