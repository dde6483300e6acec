package io.medallion.jobs.bronze.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One record per line (formats delimited and jsonl): every line is a record, numbered from 1; a
 * byte order mark before the first is not part of it.
 */
final class LineReader implements SourceReader {
    private static final long serialVersionUID = 1L;
    private final LineParser parser;

    LineReader(LineParser parser) {
        this.parser = parser;
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    @Override
    public RecordCount count(InputStream in, String file) throws IOException {
        long lines = 0;
        try (BufferedReader reader = reader(in)) {
            while (reader.readLine() != null) {
                lines++;
            }
        }
        return new RecordCount(lines, lines, 0, null);
    }

    @Override
    public Iterator<SourceRecord> records(InputStream in, String file) {
        return records(reader(in), parser, 0);
    }

    /** The records of the lines still in {@code reader}, the first numbered {@code after + 1}. */
    static Iterator<SourceRecord> records(BufferedReader reader, LineParser parser, long after) {
        return new Iterator<>() {
            private long line = after;
            private String next = read();

            private String read() {
                try {
                    String text = reader.readLine();
                    if (text == null) {
                        reader.close();
                    }
                    return text;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public SourceRecord next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                String text = line == 0 && next.startsWith("\uFEFF") ? next.substring(1) : next;
                next = read();
                LineParser.Parsed p = parser.parse(text);
                return new SourceRecord(++line, p.values(), p.error() == null ? null : text, p.error(), p.rescued());
            }
        };
    }
}
