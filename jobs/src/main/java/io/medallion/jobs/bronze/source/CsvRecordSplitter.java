package io.medallion.jobs.bronze.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

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

    private final ByteLines lines;
    private final byte delimiter;
    private final byte quote;
    private final byte escape;
    private final byte[] comment;
    private long skipped;

    CsvRecordSplitter(InputStream in, char delimiter, char quote, char escape, byte[] comment) {
        this.lines = new ByteLines(in);
        this.delimiter = (byte) delimiter;
        this.quote = (byte) quote;
        this.escape = (byte) escape;
        this.comment = comment;
    }

    /** Lines skipped so far: comments and blank lines between records. */
    long skipped() {
        return skipped;
    }

    /** The next record, or null at the end of the file. */
    Raw next() throws IOException {
        byte[] line;
        while ((line = lines.next()) != null) {
            long start = lines.lineNumber();
            if (line.length == 0 || (line.length == 1 && line[0] == '\r')
                    || (comment.length > 0 && startsWith(line, comment))) {
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
                byte[] more = lines.next();
                if (more == null) {
                    return new Raw(start, ByteLines.stripCr(record.toByteArray()), true);
                }
                record.write('\n');
                record.write(more, 0, more.length);
                state = scan(more, state == State.ESCAPED ? State.QUOTED : state);
            }
            return new Raw(start, ByteLines.stripCr(record == null ? line : record.toByteArray()), false);
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
