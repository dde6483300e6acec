package io.medallion.jobs.bronze.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

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
        return RecordCount.numbered(lines);
    }

    @Override
    public Iterator<SourceRecord> records(InputStream in, String file) {
        BufferedReader reader = reader(in);
        return new Lookahead<>() {
            private long line;

            @Override
            SourceRecord read() {
                try {
                    String text = reader.readLine();
                    if (text == null) {
                        reader.close();
                        return null;
                    }
                    if (line == 0 && text.startsWith("\uFEFF")) {
                        text = text.substring(1);
                    }
                    LineParser.Parsed p = parser.parse(text);
                    return new SourceRecord(++line, p.values(), p.error() == null ? null : text, p.error(), p.rescued());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
