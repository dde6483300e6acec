package io.medallion.jobs.bronze.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A file's physical lines as bytes, cut at LF before any decoding, so that bytes invalid in the
 * encoding stay in their own line. A CR before the LF stays (a quoted CSV field may hold it); a
 * UTF-8 byte order mark at the start of the file is dropped. A line of any length is read whole.
 */
final class ByteLines {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private long lineNumber;
    private boolean atStart = true;

    ByteLines(InputStream in) {
        this.in = in;
    }

    /** The number of the line {@link #next} returned last, from 1. */
    long lineNumber() {
        return lineNumber;
    }

    /** The next line without its LF; null at the end. */
    byte[] next() throws IOException {
        ByteArrayOutputStream longLine = null;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (longLine == null || longLine.size() == 0) {
                        return null;
                    }
                    lineNumber++;
                    return longLine.toByteArray();
                }
                if (atStart) {
                    atStart = false;
                    if (limit >= 3 && (buffer[0] & 0xFF) == 0xEF && (buffer[1] & 0xFF) == 0xBB
                            && (buffer[2] & 0xFF) == 0xBF) {
                        position = 3;
                    }
                }
            }
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            if (end < limit) {
                byte[] line;
                if (longLine == null) {
                    line = Arrays.copyOfRange(buffer, position, end);
                } else {
                    longLine.write(buffer, position, end - position);
                    line = longLine.toByteArray();
                }
                position = end + 1;
                lineNumber++;
                return line;
            }
            if (longLine == null) {
                longLine = new ByteArrayOutputStream(2 * (limit - position) + 16);
            }
            longLine.write(buffer, position, limit - position);
            position = limit;
        }
    }

    /** Without a final CR, as a line end of CRLF leaves it. */
    static byte[] stripCr(byte[] line) {
        return line.length > 0 && line[line.length - 1] == '\r' ? Arrays.copyOf(line, line.length - 1) : line;
    }
}
