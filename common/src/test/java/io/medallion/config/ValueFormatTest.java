package io.medallion.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Value formats as bronze checks them: patterns read as Spark reads them, strictly; booleans in their own words. */
class ValueFormatTest {
    private static ColumnSpec column(String type, ValueFormat format) {
        return new ColumnSpec("c", "c", ColumnType.parse(type).orElseThrow(), format, false, Standardize.NONE, Pii.NONE);
    }

    @Test
    void datePatternsAreCaseInsensitiveEnglishAndStrict() {
        ColumnSpec day = column("date", new ValueFormat("MMM d yyyy", null, List.of(), List.of()));
        assertThat(day.problemWith("Jan 1 2000")).isEmpty();
        assertThat(day.problemWith("JAN 31 2000")).isEmpty();
        assertThat(day.problemWith("Feb 29 2000")).isEmpty();
        assertThat(day.problemWith("Feb 29 2001")).contains("not a date in the format 'MMM d yyyy': 'Feb 29 2001'");
        assertThat(day.problemWith("2000-01-01")).isPresent();
        assertThat(day.problemWith("")).as("empty is a null, for the rules").isEmpty();
        // Without a pattern, ISO as before.
        assertThat(column("date", ValueFormat.NONE).problemWith("Jan 1 2000")).contains("not a date: 'Jan 1 2000'");
    }

    @Test
    void timestampsTakeAPatternAndAZone() {
        ColumnSpec at = column("timestamp", new ValueFormat("dd/MM/yyyy HH:mm", "Europe/Paris", List.of(), List.of()));
        assertThat(at.problemWith("31/01/2024 10:30")).isEmpty();
        assertThat(at.problemWith("31/01/2024")).isPresent();
        assertThat(at.format().zone()).isEqualTo("Europe/Paris");
        assertThat(ValueFormat.NONE.zone()).isEqualTo("UTC");
    }

    @Test
    void booleansInTheirOwnWordsAnyCase() {
        ColumnSpec flag = column("boolean", new ValueFormat(null, null, List.of("Yes", "Y"), List.of("No", "N")));
        assertThat(flag.problemWith("YES")).isEmpty();
        assertThat(flag.problemWith(" n ")).isEmpty();
        assertThat(flag.problemWith("true")).contains("not a boolean (yes, y or no, n): 'true'");
        assertThat(column("boolean", ValueFormat.NONE).problemWith("TRUE")).isEmpty();
    }
}
