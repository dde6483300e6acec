package io.medallion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlRelationsTest {
    @Test
    void findsTablesInJoinsSubqueriesAndCtesButNotTheCteNames() {
        assertThat(SqlRelations.of("""
                WITH recent AS (SELECT * FROM silver.orders WHERE o_orderdate > DATE'1998-01-01')
                SELECT * FROM recent r JOIN silver.customer c ON c.c_custkey = r.o_custkey
                WHERE r.o_orderkey IN (SELECT l_orderkey FROM silver.lineitem)
                  AND EXISTS (SELECT 1 FROM silver.nation n WHERE n.n_nationkey = c.c_nationkey)
                """)).containsExactlyInAnyOrder("silver.orders", "silver.customer", "silver.lineitem", "silver.nation");
    }

    @Test
    void aStatementThatDoesNotParseSaysSo() {
        assertThatThrownBy(() -> SqlRelations.of("SELEC 1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the SQL does not parse");
    }
}
