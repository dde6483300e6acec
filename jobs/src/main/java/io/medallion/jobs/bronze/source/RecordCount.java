package io.medallion.jobs.bronze.source;

import java.io.Serializable;

/**
 * What a reader's counting pass found in a file, for bronze to prove its append complete against:
 * the records it will yield and the largest position among them, or why the file as a whole
 * cannot be ingested.
 *
 * @param records the records {@link SourceReader#records} yields
 * @param lastPosition the largest record position (a line or an index); no record lies beyond it
 * @param skipped lines that are not records: comments and blank lines
 * @param rejected why the file is refused whole, naming what is wrong; null when it is not
 */
public record RecordCount(long records, long lastPosition, long skipped, String rejected) implements Serializable {
    public static RecordCount rejected(String reason) {
        return new RecordCount(0, 0, 0, reason);
    }
}
