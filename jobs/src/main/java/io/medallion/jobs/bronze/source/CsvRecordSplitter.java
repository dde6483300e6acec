package io.medallion.jobs.bronze.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts a CSV file into records, as bytes, before any decoding: a line break inside a quoted
 * field continues the record, so a record may span lines; it keeps the line it starts on. It
 * looks only at the delimiter, the quote, the escape and line breaks, all ASCII, which is why
 * the encoding must be ASCII-compatible, and why bytes invalid in it cannot disturb the cut: each
 * record is decoded on its own, and a bad one stays one record. Lines that start with the comment
 * prefix, and blank lines, between records are skipped and counted. A UTF-8 byte order mark at
 * the start is dropped; CRLF and LF line ends are both line ends.
 */
final class CsvRecordSplitter {
    /** One record's bytes, without its final line end; {@code unterminated} when the file ends inside quotes. */
    record Raw(long line, byte[] bytes, boolean unterminated) {
    }

    private enum State { FIELD_START, UNQUOTED, QUOTED, ESCAPED, QUOTE_IN_QUOTED }

    private final InputStream in;
    private final byte delimiter;
    private final byte quote;
    private final byte escape;
    private final byte[] comment;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private long lineNumber;
    private long skipped;
    private boolean atStart = true;

    CsvRecordSplitter(InputStream in, char delimiter, char quote, char escape, byte[] comment) {
        this.in = in;
        this.delimiter = (byte) delimiter;
        this.quote = (byte) quote;
        this.escape = (byte) escape;
        this.comment = comment;
    }

    /** Lines skipped so far: comments and blank lines between records. */
    long skipped() {
        return skipped;
    }

    /** The line the last line read was. */
    long lineNumber() {
        return lineNumber;
    }

    /** The next record, or null at the end of the file. */
    Raw next() throws IOException {
        byte[] line;
        while ((line = readLine()) != null) {
            long start = lineNumber;
            if (line.length == 0 || (comment.length > 0 && startsWith(line, comment))) {
                skipped++;
                continue;
            }
            ByteArrayOutputStream record = null;
            State state = scan(line, State.FIELD_START);
            while (state == State.QUOTED || state == State.ESCAPED) {
                // The line break is inside a quoted field: part of the value, and the record goes on.
                if (record == null) {
                    record = new ByteArrayOutputStream(line.length * 2);
                    record.write(line, 0, line.length);
                }
                byte[] more = readLine();
                if (more == null) {
                    return new Raw(start, stripCr(record.toByteArray()), true);
                }
                record.write('\n');
                record.write(more, 0, more.length);
                state = scan(more, state == State.ESCAPED ? State.QUOTED : state);
            }
            return new Raw(start, stripCr(record == null ? line : record.toByteArray()), false);
        }
        return null;
    }

    private State scan(byte[] line, State from) {
        State state = from;
        for (byte b : line) {
            state = switch (state) {
                case FIELD_START -> b == quote ? State.QUOTED : b == delimiter ? State.FIELD_START : State.UNQUOTED;
                case UNQUOTED -> b == delimiter ? State.FIELD_START : State.UNQUOTED;
                case QUOTED -> b == escape && escape != quote ? State.ESCAPED
                        : b == quote ? State.QUOTE_IN_QUOTED : State.QUOTED;
                case ESCAPED -> State.QUOTED;
                // A doubled quote is a quote in the value; anything else closes the field.
                case QUOTE_IN_QUOTED -> b == quote && escape == quote ? State.QUOTED
                        : b == delimiter ? State.FIELD_START : State.UNQUOTED;
            };
        }
        return state;
    }

    /** The next physical line without its LF (a CR before it stays, for {@link #stripCr}); null at the end. */
    private byte[] readLine() throws IOException {
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
                return stripCrOfBlank(line);
            }
            if (longLine == null) {
                longLine = new ByteArrayOutputStream(2 * (limit - position) + 16);
            }
            longLine.write(buffer, position, limit - position);
            position = limit;
        }
    }

    /** A line holding only a CR is blank. */
    private static byte[] stripCrOfBlank(byte[] line) {
        return line.length == 1 && line[0] == '\r' ? new byte[0] : line;
    }

    private static byte[] stripCr(byte[] record) {
        return record.length > 0 && record[record.length - 1] == '\r' ? Arrays.copyOf(record, record.length - 1) : record;
    }

    private static boolean startsWith(byte[] line, byte[] prefix) {
        if (line.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
