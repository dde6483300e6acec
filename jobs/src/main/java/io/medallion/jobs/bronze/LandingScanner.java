package io.medallion.jobs.bronze;

import io.medallion.config.LandingLayout;
import io.medallion.config.SourceSpec;
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
import org.apache.hadoop.fs.GlobPattern;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists a table's landing files by its layout: in date folders ({@code <path>/<yyyy-MM-dd>/}),
 * Hive folders ({@code <path>/<key>=<yyyy-MM-dd>/}), or flat under {@code <path>}, where a glob
 * starting {@code **}/ matches files in any subfolder. Files in folders that are not dates are
 * left alone, with a warning; names starting with {@code _} or {@code .} are never data.
 */
final class LandingScanner {
    private static final Logger LOG = LoggerFactory.getLogger(LandingScanner.class);
    private static final String ANY_FOLDER = "**/";

    private final Configuration hadoop;
    private final String landingRoot;

    LandingScanner(Configuration hadoop, String landingRoot) {
        this.hadoop = hadoop;
        this.landingRoot = landingRoot;
    }

    /** Where the files of {@code source} are looked for, for messages. */
    static String describe(String landingRoot, SourceSpec source) {
        String base = landingRoot + "/" + source.path() + "/";
        return switch (source.layout()) {
            case DATE_FOLDERS -> base + "<yyyy-MM-dd>/" + source.glob();
            case HIVE -> base + source.partitionKey() + "=<yyyy-MM-dd>/" + source.glob();
            case FLAT -> base + source.glob();
        };
    }

    /**
     * Every data file of the table, sorted by batch date and path; in a flat layout the batch
     * date is null, for bronze to fill in.
     */
    List<LandingFile> list(TableSpec table) throws IOException {
        SourceSpec source = table.source();
        if (source.layout() == LandingLayout.FLAT) {
            List<LandingFile> files = flat(source);
            files.sort(Comparator.comparing(LandingFile::path));
            return files;
        }
        String folders = source.layout() == LandingLayout.HIVE ? source.partitionKey() + "=*" : "*";
        Path pattern = new Path(landingRoot + "/" + source.path() + "/" + folders + "/" + source.glob());
        FileSystem fs = pattern.getFileSystem(hadoop);
        FileStatus[] statuses = fs.globStatus(pattern);
        List<LandingFile> files = new ArrayList<>();
        Set<String> notDates = new HashSet<>();
        if (statuses == null) {
            return files;
        }
        for (FileStatus s : statuses) {
            if (!s.isFile() || hidden(s.getPath().getName())) {
                continue;
            }
            String folder = s.getPath().getParent().getName();
            LocalDate date = source.layout() == LandingLayout.HIVE
                    ? date(folder.substring(source.partitionKey().length() + 1)) : batchDate(folder);
            if (date != null) {
                files.add(new LandingFile(s.getPath().toString(), date, s.getLen(), s.getModificationTime()));
            } else if (notDates.add(s.getPath().getParent().toString())) {
                LOG.warn("{}: ignoring {}: its folder must name the batch date, as in {}", table.name(),
                        s.getPath().getParent(), describe(landingRoot, source));
            }
        }
        files.sort(Comparator.comparing(LandingFile::batchDate).thenComparing(LandingFile::path));
        return files;
    }

    private List<LandingFile> flat(SourceSpec source) throws IOException {
        List<LandingFile> files = new ArrayList<>();
        Path root = new Path(landingRoot + "/" + source.path());
        FileSystem fs = root.getFileSystem(hadoop);
        if (!source.glob().startsWith(ANY_FOLDER)) {
            FileStatus[] statuses = fs.globStatus(new Path(root, source.glob()));
            for (FileStatus s : statuses == null ? new FileStatus[0] : statuses) {
                if (s.isFile() && !hidden(s.getPath().getName())) {
                    files.add(new LandingFile(s.getPath().toString(), null, s.getLen(), s.getModificationTime()));
                }
            }
            return files;
        }
        if (!fs.exists(root)) {
            return files;
        }
        GlobPattern name = new GlobPattern(source.glob().substring(ANY_FOLDER.length()));
        RemoteIterator<LocatedFileStatus> all = fs.listFiles(root, true);
        while (all.hasNext()) {
            LocatedFileStatus s = all.next();
            if (!hiddenOnTheWay(root, s.getPath()) && name.matches(s.getPath().getName())) {
                files.add(new LandingFile(s.getPath().toString(), null, s.getLen(), s.getModificationTime()));
            }
        }
        return files;
    }

    private static boolean hidden(String name) {
        return name.startsWith("_") || name.startsWith(".");
    }

    /** Whether the file, or a folder between the root and it, is hidden ({@code _temporary/}, {@code .staging/}). */
    private static boolean hiddenOnTheWay(Path root, Path file) {
        String rootText = root.toUri().getPath();
        for (Path p = file; p != null && p.toUri().getPath().length() > rootText.length(); p = p.getParent()) {
            if (hidden(p.getName())) {
                return true;
            }
        }
        return false;
    }

    /** {@code 2024-01-01} or {@code batch_date=2024-01-01}; null when the folder is not a batch. */
    static LocalDate batchDate(String folder) {
        return date(folder.startsWith("batch_date=") ? folder.substring("batch_date=".length()) : folder);
    }

    private static LocalDate date(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
