package io.medallion.jobs.bronze;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The bronze rows of one landing file, read lazily line by line (a file never has to fit in
 * memory): the parsed text columns, then the metadata columns of {@link BronzeSchema}.
 */
final class FileRows implements Iterator<Row> {
    private final BufferedReader reader;
    private final LineParser parser;
    private final LandingFile file;
    private final String runId;
    private final Timestamp ingestedAt;
    private final Date batchDate;
    private final boolean json;
    private String next;
    private long lineNumber;

    FileRows(LandingFile file, LineParser parser, boolean json, String runId, Timestamp ingestedAt,
             Configuration hadoop) {
        this.file = file;
        this.parser = parser;
        this.json = json;
        this.runId = runId;
        this.ingestedAt = ingestedAt;
        this.batchDate = Date.valueOf(file.batchDate());
        try {
            Path p = new Path(file.path());
            this.reader = new BufferedReader(new InputStreamReader(p.getFileSystem(hadoop).open(p),
                    StandardCharsets.UTF_8), 1 << 16);
            advance();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read landing file " + file.path() + ": " + e.getMessage(), e);
        }
    }

    private void advance() throws IOException {
        next = reader.readLine();
        if (next == null) {
            reader.close();
        }
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public Row next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        String line = next;
        lineNumber++;
        try {
            advance();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read landing file " + file.path() + ": " + e.getMessage(), e);
        }
        LineParser.Parsed parsed = parser.parse(line);
        String[] values = parsed.values();
        Object[] row = new Object[values.length + (json ? 8 : 7)];
        System.arraycopy(values, 0, row, 0, values.length);
        int i = values.length;
        row[i++] = runId;
        row[i++] = ingestedAt;
        row[i++] = file.path();
        row[i++] = lineNumber;
        row[i++] = batchDate;
        row[i++] = parsed.error() == null ? null : line;
        row[i++] = parsed.error();
        if (json) {
            row[i] = parsed.rescued();
        }
        return RowFactory.create(row);
    }
}
