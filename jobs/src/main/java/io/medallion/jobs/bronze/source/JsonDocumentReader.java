package io.medallion.jobs.bronze.source;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * Format json: a file is one JSON array of records, or one record per line, told apart by its
 * first character. An array's records are numbered by their index, from 1. An array that is
 * not valid to its end (truncated, say) refuses the whole file, so nothing of it is half-ingested.
 */
final class JsonDocumentReader implements SourceReader {
    private static final long serialVersionUID = 1L;
    private static final int SNIFF = 1 << 16;
    private final LineParser parser;
    private transient ObjectMapper mapper;

    JsonDocumentReader(LineParser parser) {
        this.parser = parser;
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = LineParser.exactJson();
        }
        return mapper;
    }

    /** Whether the first character that is not white space (or a byte order mark) opens an array. */
    static boolean isArray(BufferedInputStream in) throws IOException {
        in.mark(SNIFF);
        try {
            for (int i = 0; i < SNIFF; i++) {
                int b = in.read();
                if (b == '[') {
                    return true;
                }
                boolean blank = b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0xEF || b == 0xBB || b == 0xBF;
                if (!blank) {
                    return false;
                }
            }
            return false;
        } finally {
            in.reset();
        }
    }

    @Override
    public RecordCount count(InputStream in, String file) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, SNIFF);
        if (!isArray(buffered)) {
            return new LineReader(parser, true).count(buffered, file);
        }
        try (JsonParser json = mapper().getFactory().createParser(buffered)) {
            json.nextToken();
            long records = 0;
            JsonToken token;
            while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    return RecordCount.rejected("the JSON array is not closed: the file ends after " + records
                            + " record(s), at " + where(json.currentLocation()) + " (truncated?)");
                }
                json.skipChildren();
                records++;
            }
            if (json.nextToken() != null) {
                return RecordCount.rejected("more content after the JSON array ends, at " + where(json.currentLocation()));
            }
            return RecordCount.numbered(records);
        } catch (JsonProcessingException e) {
            return RecordCount.rejected("not valid JSON at " + where(e.getLocation()) + ": " + e.getOriginalMessage()
                    + " (truncated?)");
        }
    }

    private static String where(JsonLocation at) {
        return at == null ? "an unknown place" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    @Override
    public Iterator<SourceRecord> records(InputStream in, String file) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, SNIFF);
        if (!isArray(buffered)) {
            return new LineReader(parser, true).records(buffered, file);
        }
        JsonParser json = mapper().getFactory().createParser(buffered);
        json.nextToken();
        return new Lookahead<>() {
            private long index;

            @Override
            SourceRecord read() {
                try {
                    JsonToken token = json.nextToken();
                    if (token == JsonToken.END_ARRAY || token == null) {
                        json.close();
                        return null;
                    }
                    JsonNode node = mapper().readTree(json);
                    LineParser.Parsed p = parser.object(node);
                    return new SourceRecord(++index, p.values(), p.error() == null ? null : node.toString(), p.error(),
                            p.rescued());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
                }
            }
        };
    }
}
