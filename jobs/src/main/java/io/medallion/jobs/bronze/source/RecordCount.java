package io.medallion.jobs.bronze.source;

import java.io.Serializable;

/**
 * What a reader's counting pass found in a file, for bronze to prove its append complete against:
 * the records it will yield, the range and the sum of their positions, or why the file as a
 * whole cannot be ingested.
 *
 * @param records the records {@link SourceReader#records} yields
 * @param lastPosition the largest record position (a line or an index); no record lies beyond it
 * @param positionSum the sum of the records' positions: with the count and the range, a lost
 *     record and a doubled one would have to cancel out exactly to go unseen
 * @param skipped lines that are not records: comments and blank lines
 * @param rejected why the file is refused whole, naming what is wrong; null when it is not
 */
public record RecordCount(long records, long lastPosition, long positionSum, long skipped, String rejected)
        implements Serializable {
    public static RecordCount rejected(String reason) {
        return new RecordCount(0, 0, 0, 0, reason);
    }

    /** Records numbered 1..n, as lines, array elements and rows of typed files are. */
    public static RecordCount numbered(long records) {
        return new RecordCount(records, records, records * (records + 1) / 2, 0, null);
    }
}
