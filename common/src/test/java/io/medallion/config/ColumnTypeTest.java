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
}
