package io.medallion.jobs.bronze.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.CdcSpec;
import io.medallion.config.ColumnSpec;
import io.medallion.config.ColumnType;
import io.medallion.config.SourceFormat;
import io.medallion.config.SourceSpec;
import io.medallion.config.TableSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Parsing landing lines, without Spark: nothing is dropped, every problem is named. */
class LineParserTest {
    private static final List<ColumnSpec> SCHEMA = List.of(
            new ColumnSpec("id", ColumnType.parse("bigint").orElseThrow(), true),
            new ColumnSpec("amount", ColumnType.parse("decimal(15,2)").orElseThrow(), false),
            new ColumnSpec("day", ColumnType.parse("date").orElseThrow(), false),
            new ColumnSpec("note", ColumnType.parse("string").orElseThrow(), false));

    private static LineParser delimited() {
        return new LineParser(new TableSpec("t", new SourceSpec(SourceFormat.DELIMITED, "t", "*", "|", true), SCHEMA,
                List.of("id"), List.of(), List.of(), Optional.empty()));
    }

    private static LineParser changeFeed() {
        return new LineParser(new TableSpec("c", new SourceSpec(SourceFormat.JSONL, "c", "*", "|", true), SCHEMA,
                List.of("id"), List.of("seq"), List.of(), Optional.of(new CdcSpec("op", "seq", "before", "after"))));
    }

    private static LineParser jsonRecords() {
        return new LineParser(new TableSpec("r", new SourceSpec(SourceFormat.JSONL, "r", "*", "|", true), SCHEMA,
                List.of("id"), List.of(), List.of(), Optional.empty()));
    }

    @Test
    void aGoodDelimitedLineKeepsItsTextAndEmptyFieldsBecomeNull() {
        LineParser.Parsed p = delimited().parse("7|12.50||a note|");
        assertThat(p.error()).isNull();
        assertThat(p.values()).containsExactly("7", "12.50", null, "a note");
    }

    @Test
    void delimitedProblemsAreNamedNotDropped() {
        assertThat(delimited().parse("7|12.50|1996-01-01|").error()).isEqualTo("expected 4 fields, found 3");
        assertThat(delimited().parse("7|12.50|1996-01-01|x|y|").error()).isEqualTo("expected 4 fields, found 5");
        LineParser.Parsed p = delimited().parse("x7|1O.00|1996-13-45|ok|");
        assertThat(p.error()).isEqualTo("id: not a number: 'x7'; amount: not a number: '1O.00'; day: not a date: '1996-13-45'");
        assertThat(p.values()).containsExactly("x7", "1O.00", "1996-13-45", "ok");
        assertThat(delimited().parse("").error()).isEqualTo("empty line");
    }

    @Test
    void aChangeEventKeepsItsImagesAsTextWithExactDecimals() {
        LineParser.Parsed p = changeFeed().parse(
                "{\"op\":\"u\",\"seq\":12,\"before\":{\"id\":1,\"amount\":7603.40},\"after\":{\"id\":1,\"amount\":7603.50,\"tier\":\"gold\"}}");
        assertThat(p.error()).isNull();
        assertThat(p.values()[0]).isEqualTo("u");
        assertThat(p.values()[1]).isEqualTo("12");
        assertThat(p.values()[2]).isEqualTo("{\"id\":1,\"amount\":7603.40}");
        assertThat(p.values()[3]).contains("\"amount\":7603.50", "\"tier\":\"gold\"");
        assertThat(p.rescued()).isNull();
    }

    @Test
    void changeEventProblemsAreNamed() {
        assertThat(changeFeed().parse("{\"op\":\"u\",\"seq\":12,\"after\":{\"id\":1,\"amount\":\"7603.40\"}}").error())
                .as("a number arriving as a string is a type change, not something to cast")
                .isEqualTo("after.amount: expected decimal(15,2), got a string '7603.40'");
        assertThat(changeFeed().parse("{\"op\":\"x\",\"seq\":\"a\",\"after\":{\"id\":1}}").error())
                .contains("op: expected one of c, u, d, got 'x'", "seq: expected an integer sequence number, got 'a'");
        assertThat(changeFeed().parse("{\"op\":\"d\",\"seq\":3}").error()).isEqualTo("before: missing");
        assertThat(changeFeed().parse("{\"op\":\"c\",\"seq\":3,\"after\":{\"id\":1,\"day\":\"1996-02-30\"}}").error())
                .isEqualTo("after.day: not a date: '1996-02-30'");
        assertThat(changeFeed().parse("{\"op\":\"c\",\"seq\":3,\"after\":{\"id\":1}").error()).startsWith("broken JSON");
        assertThat(changeFeed().parse("[1,2]").error()).isEqualTo("not a JSON object");
    }

    @Test
    void undeclaredJsonKeysAreRescuedNotLost() {
        LineParser.Parsed p = jsonRecords().parse("{\"id\":5,\"amount\":1.10,\"note\":\"n\",\"extra\":{\"a\":1}}");
        assertThat(p.error()).isNull();
        assertThat(p.values()).containsExactly("5", "1.10", null, "n");
        assertThat(p.rescued()).isEqualTo("{\"extra\":{\"a\":1}}");
        assertThat(changeFeed().parse("{\"op\":\"c\",\"seq\":1,\"after\":{\"id\":1},\"ts\":\"now\"}").rescued())
                .isEqualTo("{\"ts\":\"now\"}");
    }
}
