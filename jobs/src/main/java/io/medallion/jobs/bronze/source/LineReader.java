package io.medallion.jobs.bronze.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * One record per line (formats delimited, jsonl, and json written as lines): every line is a
 * record, numbered from 1; a byte order mark before the first is not part of it. A strict reader
 * (json) decodes each line on its own and keeps one with bytes invalid in UTF-8 as a parse error
 * with its bytes; the older formats read as they always have, invalid bytes replaced.
 */
final class LineReader implements SourceReader {
    private static final long serialVersionUID = 1L;
    private final LineParser parser;
    private final boolean strict;

    LineReader(LineParser parser, boolean strict) {
        this.parser = parser;
        this.strict = strict;
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    @Override
    public RecordCount count(InputStream in, String file) throws IOException {
        long lines = 0;
        if (strict) {
            ByteLines bytes = new ByteLines(in);
            while (bytes.next() != null) {
                lines++;
            }
            return RecordCount.numbered(lines);
        }
        try (BufferedReader reader = reader(in)) {
            while (reader.readLine() != null) {
                lines++;
            }
        }
        return RecordCount.numbered(lines);
    }

    @Override
    public Iterator<SourceRecord> records(InputStream in, String file) {
        if (strict) {
            ByteLines bytes = new ByteLines(in);
            return new Lookahead<>() {
                @Override
                SourceRecord read() {
                    try {
                        byte[] line = bytes.next();
                        if (line == null) {
                            in.close();
                            return null;
                        }
                        line = ByteLines.stripCr(line);
                        String text;
                        try {
                            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line))
                                    .toString();
                        } catch (CharacterCodingException e) {
                            return new SourceRecord(bytes.lineNumber(), new String[parser.width()],
                                    new String(line, StandardCharsets.ISO_8859_1),
                                    "bytes invalid in UTF-8; _raw holds the line's bytes as ISO-8859-1", null);
                        }
                        return record(bytes.lineNumber(), text);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
                    }
                }
            };
        }
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
                    return record(++line, text);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private SourceRecord record(long line, String text) {
        LineParser.Parsed p = parser.parse(text);
        return new SourceRecord(line, p.values(), p.error() == null ? null : text, p.error(), p.rescued());
    }
}
