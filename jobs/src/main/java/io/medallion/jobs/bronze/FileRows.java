package io.medallion.jobs.bronze;

import io.medallion.jobs.bronze.source.LandingStreams;
import io.medallion.jobs.bronze.source.SourceReader;
import io.medallion.jobs.bronze.source.SourceRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The bronze rows of one landing file, read lazily record by record (a file never has to fit in
 * memory): the parsed text columns, then the metadata columns of {@link BronzeSchema}.
 */
final class FileRows implements Iterator<Row> {
    private final Iterator<SourceRecord> records;
    private final LandingFile file;
    private final String runId;
    private final Timestamp ingestedAt;
    private final Date batchDate;
    private final boolean rescued;

    FileRows(LandingFile file, SourceReader reader, boolean rescued, String runId, Timestamp ingestedAt,
             Configuration hadoop) {
        this.file = file;
        this.rescued = rescued;
        this.runId = runId;
        this.ingestedAt = ingestedAt;
        this.batchDate = Date.valueOf(file.batchDate());
        try {
            this.records = reader.records(LandingStreams.content(LandingStreams.stored(file.path(), hadoop),
                    file.path(), hadoop), file.path());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read landing file " + file.path() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasNext() {
        return records.hasNext();
    }

    @Override
    public Row next() {
        SourceRecord r = records.next();
        String[] values = r.values();
        Object[] row = new Object[values.length + (rescued ? 8 : 7)];
        System.arraycopy(values, 0, row, 0, values.length);
        int i = values.length;
        row[i++] = runId;
        row[i++] = ingestedAt;
        row[i++] = file.path();
        row[i++] = r.position();
        row[i++] = batchDate;
        row[i++] = r.raw();
        row[i++] = r.error();
        if (rescued) {
            row[i] = r.rescued();
        }
        return RowFactory.create(row);
    }
}
