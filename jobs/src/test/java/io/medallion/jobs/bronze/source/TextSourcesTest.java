package io.medallion.jobs.bronze.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.PipelineSpecLoader;
import io.medallion.config.TableSpec;
import io.medallion.testing.TestSpecs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV and JSON readers on a corpus of bad input, without Spark. For every case the counting
 * pass and the records agree (bronze proves its append against the count), and every record is
 * either read, kept with its raw text and the reason, or the file is refused whole with a message.
 */
class TextSourcesTest {
    @TempDir
    Path dir;

    /** What a reader made of one file. */
    record Read(RecordCount count, List<SourceRecord> records) {
        SourceRecord only() {
            assertThat(records).hasSize(1);
            return records.get(0);
        }

        String rejected() {
            return count.rejected();
        }
    }

    private TableSpec table(String source, String schema) throws IOException {
        Path spec = TestSpecs.write(dir, "t", "storage: {lake_root: lake, landing_root: landing}\ntables:\n  t:\n"
                + "    source: " + source + "\n    schema:\n" + schema + "    key: [" + firstColumn(schema) + "]\n");
        return new PipelineSpecLoader(Map.of(), dir).load(spec, "local").tables().get("t");
    }

    private static String firstColumn(String schema) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name: ([A-Za-z0-9_]+)").matcher(schema);
        return m.find() ? m.group(1) : "";
    }

    private static final String AIRPORTS = """
                  - {name: iata, type: string, required: true}
                  - {name: airport, type: string}
                  - {name: lat, type: double}
            """;

    private Read csv(String options, byte[] content) throws IOException {
        return read(table("{format: csv, path: t" + options + "}", AIRPORTS), content);
    }

    private Read csv(String text) throws IOException {
        return csv("", text.getBytes(StandardCharsets.UTF_8));
    }

    private static Read read(TableSpec table, byte[] content) throws IOException {
        SourceReader reader = SourceReader.of(table);
        RecordCount count = reader.count(new ByteArrayInputStream(content), "f");
        List<SourceRecord> records = new ArrayList<>();
        if (count.rejected() == null) {
            Iterator<SourceRecord> it = reader.records(new ByteArrayInputStream(content), "f");
            it.forEachRemaining(records::add);
            assertThat(records).as("the count pass and the records agree").hasSize((int) count.records());
            records.forEach(r -> assertThat(r.position()).isBetween(1L, count.lastPosition()));
            assertThat(records.stream().map(SourceRecord::position).distinct().count()).isEqualTo(records.size());
            assertThat(records.stream().mapToLong(SourceRecord::position).sum()).isEqualTo(count.positionSum());
            records.forEach(r -> assertThat(r.raw() == null).as("raw text exactly when there is an error")
                    .isEqualTo(r.error() == null));
        }
        return new Read(count, records);
    }

    @Test
    void aHeaderIsMatchedByNameAndQuotedFieldsKeepDelimitersQuotesAndLineBreaks() throws IOException {
        Read r = csv("""
                lat,iata,airport,country
                40.6,"JFK","John F Kennedy Intl",USA
                34.8,TOI,"Union County, Troy",USA
                1.5,ABC,"a ""quoted"" name",
                2.5,DEF,"two
                lines",USA
                3.5,GHI,plain,USA
                """);
        assertThat(r.count().records()).isEqualTo(5);
        assertThat(r.records()).extracting(SourceRecord::error).containsOnlyNulls();
        assertThat(r.records().get(1).values()).containsExactly("TOI", "Union County, Troy", "34.8");
        assertThat(r.records().get(2).values()[1]).isEqualTo("a \"quoted\" name");
        assertThat(r.records().get(3).values()[1]).isEqualTo("two\nlines");
        assertThat(r.records()).extracting(SourceRecord::position).containsExactly(2L, 3L, 4L, 5L, 7L);
        // An undeclared header column is drift, kept; an empty field is a null, so not rescued.
        assertThat(r.records().get(0).rescued()).isEqualTo("{\"country\":\"USA\"}");
        assertThat(r.records().get(2).rescued()).isNull();
    }

    @Test
    void badRecordsKeepTheirTextAndTheReason() throws IOException {
        Read r = csv("""
                iata,airport,lat
                AAA,too,many,fields
                BBB,too few
                CCC,ok,north
                DDD,"a"b,1
                """);
        assertThat(r.records()).extracting(SourceRecord::error).containsExactly(
                "expected 3 fields, found 4", "expected 3 fields, found 2", "lat: not a number: 'north'",
                r.records().get(3).error());
        assertThat(r.records().get(0).raw()).isEqualTo("AAA,too,many,fields");
        // Text after a closing quote is not RFC 4180: Commons CSV names it.
        assertThat(r.records().get(3).error()).isEqualTo("not valid CSV: (line 1) invalid char between encapsulated token and delimiter");
        assertThat(r.records().get(3).raw()).isEqualTo("DDD,\"a\"b,1");
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsKeptAsText() throws IOException {
        SourceRecord r = csv("iata,airport,lat\nEEE,5\" floppy,1\n").only();
        assertThat(r.error()).isNull();
        assertThat(r.values()[1]).isEqualTo("5\" floppy");
    }

    @Test
    void anUnterminatedQuoteAtTheEndIsOneBadRecordWithEverythingAfterIt() throws IOException {
        Read r = csv("iata,airport,lat\nAAA,fine,1\nBBB,\"never closed,2\nCCC,x,3\n");
        assertThat(r.records()).hasSize(2);
        assertThat(r.records().get(1).error()).isEqualTo("a quoted field is not closed before the end of the file");
        assertThat(r.records().get(1).raw()).isEqualTo("BBB,\"never closed,2\nCCC,x,3");
        assertThat(r.records().get(1).position()).isEqualTo(3);
    }

    @Test
    void headersThatCannotBeMatchedRefuseTheFileNamingTheColumn() throws IOException {
        assertThat(csv("airport,lat\nx,1\n").rejected())
                .isEqualTo("the header has no column iata, which the spec requires (header: airport, lat)");
        assertThat(csv("iata,lat,lat\nx,1,2\n").rejected()).isEqualTo("the header names column 'lat' twice");
        // A missing column that is not required is null.
        assertThat(csv("iata,airport\nXYZ,x\n").only().values()).containsExactly("XYZ", "x", null);
    }

    @Test
    void emptyFilesAndHeaderOnlyFilesHoldNoRecords() throws IOException {
        for (String content : new String[] {"", "\n", "\r\n\r\n", "iata,airport,lat\n", "iata,airport,lat"}) {
            Read r = csv(content);
            assertThat(r.rejected()).as(content).isNull();
            assertThat(r.records()).as(content).isEmpty();
        }
    }

    @Test
    void aByteOrderMarkAndCrlfAreNotPartOfTheData() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = "iata,airport,lat\r\nJFK,\"Kennedy\r\nIntl\",40.6\r\nLGA,LaGuardia,40.7\r\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, content, 0, 3);
        System.arraycopy(text, 0, content, 3, text.length);
        Read r = csv("", content);
        assertThat(r.records()).extracting(SourceRecord::error).containsOnlyNulls();
        assertThat(r.records().get(0).values()).containsExactly("JFK", "Kennedy\r\nIntl", "40.6");
        assertThat(r.records().get(1).values()).containsExactly("LGA", "LaGuardia", "40.7");
    }

    @Test
    void bytesInvalidInTheEncodingAreAParseErrorThatKeepsTheBytes() throws IOException {
        byte[] content = "iata,airport,lat\nMUC,M\u00fcnchen,48.1\nZRH,Zurich,47.4\n".getBytes(StandardCharsets.ISO_8859_1);
        Read r = csv("", content);
        assertThat(r.records().get(0).error()).startsWith("bytes invalid in UTF-8");
        assertThat(r.records().get(0).raw().getBytes(StandardCharsets.ISO_8859_1))
                .isEqualTo("MUC,M\u00fcnchen,48.1".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(r.records().get(1).error()).isNull();
        // Declared as Latin-1, the same bytes read.
        SourceRecord latin = csv(", options: {encoding: ISO-8859-1}", content).records().get(0);
        assertThat(latin.error()).isNull();
        assertThat(latin.values()[1]).isEqualTo("M\u00fcnchen");
    }

    @Test
    void aTenMegabyteLineIsOneRecord() throws IOException {
        String big = "x".repeat(10 * 1024 * 1024);
        SourceRecord r = csv("iata,airport,lat\nBIG,\"" + big + "\",1\n").only();
        assertThat(r.error()).isNull();
        assertThat(r.values()[1]).hasSize(big.length());
    }

    @Test
    void commentsAreSkippedAndCountedNullValuesAndOtherDialectsApply() throws IOException {
        Read r = csv(", options: {header: false, delimiter: ';', comment: '#', null_value: NA, quote: \"'\"}",
                "# exported nightly\nJFK;'Kennedy; Intl';NA\n#\nLGA;NA;40.7\n".getBytes(StandardCharsets.UTF_8));
        assertThat(r.count().skipped()).isEqualTo(2);
        assertThat(r.records().get(0).values()).containsExactly("JFK", "Kennedy; Intl", null);
        assertThat(r.records().get(1).values()).containsExactly("LGA", null, "40.7");
        assertThat(r.records()).extracting(SourceRecord::position).containsExactly(2L, 4L);
    }

    // ---- JSON documents --------------------------------------------------------------------

    private static final String MOVIES = """
                  - {name: title, type: string, required: true}
                  - {name: us_gross, from: "US Gross", type: bigint}
                  - {name: rating, type: double}
                  - {name: city, from: studio.city, type: string}
            """;

    private Read json(String text) throws IOException {
        return read(table("{format: json, path: t}", MOVIES), text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aJsonArrayIsReadByFieldNameAndPathAndTheRestIsRescued() throws IOException {
        Read r = json("""
                [ {"title": "First", "US Gross": 146083, "rating": 6, "studio": {"city": "Burbank", "lot": 3}},
                  {"title": "Second", "US Gross": null, "rating": 7.5, "Genre": "Drama"},
                  {"title": "Third", "US Gross": "1,000", "rating": 8}, 42 ]
                """);
        assertThat(r.count().records()).isEqualTo(4);
        assertThat(r.records().get(0).values()).containsExactly("First", "146083", "6", "Burbank");
        assertThat(r.records().get(0).rescued()).isEqualTo("{\"studio\":{\"lot\":3}}");
        assertThat(r.records().get(1).error()).isNull();
        assertThat(r.records().get(1).rescued()).isEqualTo("{\"Genre\":\"Drama\"}");
        // An integer for a double is a lossless widening; a string holding a number is not accepted.
        assertThat(r.records().get(2).error()).isEqualTo("us_gross: expected bigint, got a string '1,000'");
        assertThat(r.records().get(3).error()).isEqualTo("not a JSON object");
        assertThat(r.records()).extracting(SourceRecord::position).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aTruncatedArrayRefusesTheWholeFile() throws IOException {
        assertThat(json("[{\"title\": \"First\"}, {\"title\": \"Sec").rejected()).startsWith("not valid JSON at line 1");
        assertThat(json("[{\"title\": \"First\"},\n").rejected())
                .isEqualTo("not valid JSON at line 2, column 1: Unexpected end-of-input within/between Array entries "
                        + "(truncated?)");
        assertThat(json("[{\"title\": \"First\"}] {\"title\": 2}").rejected())
                .startsWith("more content after the JSON array ends");
    }

    @Test
    void objectsPerLineAndScalarsAreDetectedAndEveryLineIsARecord() throws IOException {
        Read lines = json("\uFEFF{\"title\": \"A\", \"US Gross\": 1}\n{\"title\": \"B\", \"rating\": 2}\n");
        assertThat(lines.records()).extracting(SourceRecord::error).containsOnlyNulls();
        assertThat(lines.records().get(0).values()[1]).isEqualTo("1");
        Read scalar = json("42\n");
        assertThat(scalar.only().error()).isEqualTo("not a JSON object");
        assertThat(scalar.only().raw()).isEqualTo("42");
        assertThat(json("").records()).isEmpty();
    }

    @Test
    void bytesInvalidInUtf8AreALinesParseErrorOrRefuseAnArray() throws IOException {
        TableSpec movies = table("{format: json, path: t}", MOVIES);
        byte[] lines = "{\"title\": \"M\u00fcnchen\"}\r\n{\"title\": \"Zurich\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        Read r = read(movies, lines);
        assertThat(r.records().get(0).error()).startsWith("bytes invalid in UTF-8");
        assertThat(r.records().get(0).raw()).isEqualTo("{\"title\": \"M\u00fcnchen\"}");
        assertThat(r.records().get(1).error()).isNull();
        assertThat(r.records().get(1).values()[0]).isEqualTo("Zurich");
        byte[] array = "[{\"title\": \"M\u00fcnchen\"}]".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(read(movies, array).rejected()).startsWith("not valid JSON at line 1");
    }
}
