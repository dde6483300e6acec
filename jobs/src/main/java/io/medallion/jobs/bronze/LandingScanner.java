package io.medallion.jobs.bronze;

import io.medallion.config.TableSpec;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists a table's landing files: {@code <landing root>/<source path>/<yyyy-MM-dd>/<glob>}. The
 * folder name is the batch date; files in folders that are not dates are left alone, with a warning.
 */
final class LandingScanner {
    private static final Logger LOG = LoggerFactory.getLogger(LandingScanner.class);

    private final Configuration hadoop;
    private final String landingRoot;

    LandingScanner(Configuration hadoop, String landingRoot) {
        this.hadoop = hadoop;
        this.landingRoot = landingRoot;
    }

    /** Every data file of the table, sorted by batch date and path. */
    List<LandingFile> list(TableSpec table) throws IOException {
        Path pattern = new Path(landingRoot + "/" + table.source().path() + "/*/" + table.source().glob());
        FileSystem fs = pattern.getFileSystem(hadoop);
        FileStatus[] statuses = fs.globStatus(pattern);
        List<LandingFile> files = new ArrayList<>();
        Set<String> notDates = new HashSet<>();
        if (statuses == null) {
            return files;
        }
        for (FileStatus s : statuses) {
            if (!s.isFile() || s.getPath().getName().startsWith("_") || s.getPath().getName().startsWith(".")) {
                continue;
            }
            LocalDate date = batchDate(s.getPath().getParent().getName());
            if (date != null) {
                files.add(new LandingFile(s.getPath().toString(), date, s.getLen(), s.getModificationTime()));
            } else if (notDates.add(s.getPath().getParent().toString())) {
                LOG.warn("{}: ignoring {}: landing folders must be named yyyy-MM-dd (the batch date)", table.name(),
                        s.getPath().getParent());
            }
        }
        files.sort(Comparator.comparing(LandingFile::batchDate).thenComparing(LandingFile::path));
        return files;
    }

    /** {@code 2024-01-01} or {@code batch_date=2024-01-01}; null when the folder is not a batch. */
    static LocalDate batchDate(String folder) {
        String text = folder.startsWith("batch_date=") ? folder.substring("batch_date=".length()) : folder;
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
