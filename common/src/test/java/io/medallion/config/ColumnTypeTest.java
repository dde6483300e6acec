package io.medallion.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ColumnTypeTest {
    private static ColumnType type(String name) {
        return ColumnType.parse(name).orElseThrow();
    }

    @Test
    void parsesEveryTypeName() {
        assertThat(type("BIGINT").kind()).isEqualTo(ColumnType.Kind.BIGINT);
        assertThat(type("decimal( 15 , 2 )")).isEqualTo(new ColumnType(ColumnType.Kind.DECIMAL, 15, 2));
        assertThat(type("decimal(15,2)").toString()).isEqualTo("decimal(15,2)");
        assertThat(ColumnType.parse("varchar")).isEmpty();
        assertThat(ColumnType.parse("decimal(2,3)")).isEmpty();
    }

    @Test
    void checksTextAgainstTheType() {
        assertThat(type("decimal(15,2)").problemWith("711.56")).isEmpty();
        assertThat(type("decimal(15,2)").problemWith("-5.00")).isEmpty();
        assertThat(type("decimal(15,2)").problemWith("1.234")).contains("does not fit decimal(15,2): '1.234'");
        assertThat(type("decimal(15,2)").problemWith("1O.00x")).contains("not a number: '1O.00x'");
        assertThat(type("bigint").problemWith("12")).isEmpty();
        assertThat(type("int").problemWith("12.5")).contains("not a number: '12.5'");
        assertThat(type("date").problemWith("1996-03-13")).isEmpty();
        assertThat(type("date").problemWith("1996-13-45")).contains("not a date: '1996-13-45'");
        assertThat(type("boolean").problemWith("maybe")).isPresent();
        assertThat(type("string").problemWith("anything")).isEmpty();
        assertThat(type("date").problemWith("")).as("empty is null, a rule question").isEmpty();
    }

    @Test
    void takesTheDatesLocalDateTakesAndNoOthers() {
        // The hand-written check of yyyy-MM-dd must agree with java.time on every kind of edge.
        String[] texts = {"2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "2024-04-31", "2024-12-31",
            "2024-13-01", "2024-00-10", "2024-01-00", "0000-01-01", "9999-12-31", "2024-1-01", "2024/01/01",
            "20240101", "2024-01-0a", "+12024-01-01", "-2024-01-01", "2024-01-01T00:00", " 2024-01-01",
            "\u0662\u0660\u0662\u0664-01-01"};
        for (String text : texts) {
            boolean parses;
            try {
                java.time.LocalDate.parse(text.trim());
                parses = true;
            } catch (java.time.format.DateTimeParseException e) {
                parses = false;
            }
            assertThat(type("date").problemWith(text).isEmpty()).as(text).isEqualTo(parses);
        }
        assertThat(type("date").problemWith("2023-02-29")).contains("not a date: '2023-02-29'");
    }
}
