package io.medallion.jobs.bronze.source;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medallion.config.ColumnSpec;
import io.medallion.config.CsvOptions;
import io.medallion.config.TableSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Format csv (RFC 4180): records cut by {@link CsvRecordSplitter}, decoded strictly in the
 * declared encoding, their fields parsed by Commons CSV. With a header, columns are matched by
 * name ({@code from}) in any order: a header without a required column, or with a name twice,
 * refuses the file; a header column the spec does not declare is schema drift, kept in
 * {@code _rescued}. A record that does not parse keeps its text and the reason.
 */
final class CsvReader implements SourceReader {
    private static final long serialVersionUID = 1L;
    private final List<ColumnSpec> columns;
    private final CsvOptions options;
    private final char delimiter;
    private transient CSVFormat format;

    CsvReader(TableSpec table) {
        this.columns = List.copyOf(table.schema());
        this.options = table.source().csv();
        this.delimiter = table.source().delimiter().charAt(0);
    }

    private CsvRecordSplitter splitter(InputStream in) {
        return new CsvRecordSplitter(in, delimiter, options.quote(), options.escape(),
                options.comment().getBytes(options.charset()));
    }

    private CSVFormat format() {
        if (format == null) {
            format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setQuote(options.quote())
                    .setEscape(options.escape() == options.quote() ? null : options.escape())
                    .setIgnoreEmptyLines(false).setIgnoreSurroundingSpaces(false).build();
        }
        return format;
    }

    /**
     * Where each declared column is in a record, and which fields are undeclared, from the header;
     * or, when {@code refusal} is set, why the header refuses the file.
     */
    private record Layout(int width, int[] index, String[] extra, String refusal) {
        static Layout refused(String reason) {
            return new Layout(0, new int[0], new String[0], reason);
        }
    }

    /** The layout of the records after the header; null for a file without even a header. */
    private Layout layout(CsvRecordSplitter splitter) throws IOException {
        if (!options.header()) {
            int[] index = new int[columns.size()];
            for (int i = 0; i < index.length; i++) {
                index[i] = i;
            }
            return new Layout(columns.size(), index, new String[0], null);
        }
        CsvRecordSplitter.Raw header = splitter.next();
        if (header == null) {
            return null;
        }
        List<String> names;
        try {
            names = fields(decode(header.bytes()));
        } catch (CharacterCodingException | IllegalStateException e) {
            return Layout.refused("the header (line " + header.line() + ") cannot be read: " + message(e));
        }
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            if (position.put(names.get(i), i) != null) {
                return Layout.refused("the header names column '" + names.get(i) + "' twice");
            }
        }
        int[] index = new int[columns.size()];
        List<String> missing = new ArrayList<>();
        String[] extra = names.toArray(new String[0]);
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec c = columns.get(i);
            Integer at = position.get(c.from());
            index[i] = at == null ? -1 : at;
            if (at == null && c.required()) {
                missing.add(c.from());
            } else if (at != null) {
                extra[at] = null;
            }
        }
        if (!missing.isEmpty()) {
            return Layout.refused("the header has no column " + String.join(", ", missing)
                    + ", which the spec requires (header: " + String.join(", ", names) + ")");
        }
        return new Layout(names.size(), index, extra, null);
    }

    @Override
    public RecordCount count(InputStream in, String file) throws IOException {
        CsvRecordSplitter splitter = splitter(in);
        Layout layout = layout(splitter);
        if (layout != null && layout.refusal() != null) {
            return RecordCount.rejected(layout.refusal());
        }
        long records = 0;
        long last = 0;
        long sum = 0;
        CsvRecordSplitter.Raw raw;
        while ((raw = splitter.next()) != null) {
            records++;
            last = raw.line();
            sum += raw.line();
        }
        return new RecordCount(records, last, sum, splitter.skipped(), null);
    }

    @Override
    public Iterator<SourceRecord> records(InputStream in, String file) throws IOException {
        CsvRecordSplitter splitter = splitter(in);
        Layout layout = layout(splitter);
        if (layout != null && layout.refusal() != null) {
            throw new IllegalStateException(file + ": " + layout.refusal()); // the counting pass refused it first
        }
        return new Lookahead<>() {
            @Override
            SourceRecord read() {
                try {
                    CsvRecordSplitter.Raw raw = layout == null ? null : splitter.next();
                    if (raw == null) {
                        in.close();
                        return null;
                    }
                    return record(raw, layout);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
                }
            }
        };
    }

    private SourceRecord record(CsvRecordSplitter.Raw raw, Layout layout) {
        String text;
        try {
            text = decode(raw.bytes());
        } catch (CharacterCodingException e) {
            // Kept byte for byte: ISO-8859-1 maps every byte to one character, so nothing is replaced.
            return failed(raw, new String(raw.bytes(), StandardCharsets.ISO_8859_1), "bytes invalid in "
                    + options.encoding() + " (" + message(e) + "); _raw holds the record's bytes as ISO-8859-1");
        }
        if (raw.unterminated()) {
            return failed(raw, text, "a quoted field is not closed before the end of the file");
        }
        List<String> fields;
        try {
            fields = fields(text);
        } catch (IllegalStateException e) {
            return failed(raw, text, message(e));
        }
        if (fields.size() != layout.width()) {
            return failed(raw, text, "expected " + layout.width() + " fields, found " + fields.size());
        }
        String[] values = new String[columns.size()];
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String value = layout.index()[i] < 0 ? null : nullIfEmpty(fields.get(layout.index()[i]));
            values[i] = value;
            ColumnSpec c = columns.get(i);
            Optional<String> problem = c.problemWith(value);
            problem.ifPresent(p -> problems.add(c.name() + ": " + p));
        }
        ObjectNode rescued = null;
        for (int i = 0; i < layout.extra().length; i++) {
            String value = nullIfEmpty(fields.get(i));
            if (layout.extra()[i] != null && value != null) {
                rescued = rescued == null ? JsonNodeFactory.instance.objectNode() : rescued;
                rescued.put(layout.extra()[i], value);
            }
        }
        String error = problems.isEmpty() ? null : String.join("; ", problems);
        return new SourceRecord(raw.line(), values, error == null ? null : text, error,
                rescued == null ? null : rescued.toString());
    }

    private SourceRecord failed(CsvRecordSplitter.Raw raw, String text, String error) {
        return new SourceRecord(raw.line(), new String[columns.size()], text, error, null);
    }

    private String nullIfEmpty(String value) {
        return value.isEmpty() || value.equals(options.nullValue()) ? null : value;
    }

    private String decode(byte[] bytes) throws CharacterCodingException {
        CharsetDecoder decoder = options.charset().newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return decoder.decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** The fields of one record's text; a record without quotes is split directly, the common case made cheap. */
    private List<String> fields(String text) {
        if (text.indexOf(options.quote()) < 0 && (options.escape() == options.quote() || text.indexOf(options.escape()) < 0)) {
            List<String> fields = new ArrayList<>(columns.size() + 1);
            int start = 0;
            int at;
            while ((at = text.indexOf(delimiter, start)) >= 0) {
                fields.add(text.substring(start, at));
                start = at + 1;
            }
            fields.add(text.substring(start));
            return fields;
        }
        try (CSVParser parser = CSVParser.parse(text, format())) {
            List<CSVRecord> records = parser.getRecords();
            if (records.size() != 1) {
                throw new IllegalStateException("a line break outside quotes");
            }
            return records.get(0).toList();
        } catch (IOException | UncheckedIOException e) {
            Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("not valid CSV: " + cause.getMessage(), e);
        }
    }

    private static String message(Exception e) {
        if (e instanceof MalformedInputException m) {
            return "invalid bytes (" + m.getInputLength() + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
