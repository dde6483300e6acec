package io.medallion.jobs.silver;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RowAccountingTest {
    @Test
    void balancedAccountsPass() {
        assertThatCode(() -> new RowAccounting(100, 60, 10, 5, 0, 20, 3, 2).check("t")).doesNotThrowAnyException();
    }

    @Test
    void aLostRowFailsNamingEveryTerm() {
        assertThatThrownBy(() -> new RowAccounting(100, 60, 10, 5, 0, 20, 3, 1).check("lineitem"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lineitem: row accounting does not balance: read 100 != inserted 60")
                .hasMessageContaining("duplicates 1 = 99");
    }

    @Test
    void deletesCountAndANegativeTermFails() {
        assertThatCode(() -> new RowAccounting(10, 2, 1, 3, 4, 0, 0, 0).check("t")).doesNotThrowAnyException();
        assertThatThrownBy(() -> new RowAccounting(10, 2, 1, -1, 4, 2, 0, 2).check("t"))
                .hasMessageContaining("unchanged -1");
    }

    @Test
    void aRowCountedTwiceFailsToo() {
        assertThatThrownBy(() -> new RowAccounting(100, 61, 10, 5, 0, 20, 3, 2).check("t"))
                .hasMessageContaining("= 101");
    }

    @Test
    void aHeldBatchBalancesOnlyWhenEveryValidRowIsHeld() {
        assertThatCode(() -> RowAccounting.heldBatch(10, 3, 1, 6).check("t")).doesNotThrowAnyException();
        assertThatThrownBy(() -> RowAccounting.heldBatch(10, 3, 1, 5).check("t"))
                .hasMessageContaining("dropped 1 + duplicates 0 + held 5 = 9");
    }

    @Test
    void rowsReleasedFromQuarantineAreATermOfTheirOwn() {
        assertThatCode(() -> new RowAccounting(10, 3, 11, 0, 0, 0, 1, 0, 1, 0).check("t")).doesNotThrowAnyException();
        assertThatThrownBy(() -> new RowAccounting(10, 3, 10, 0, 0, 0, 1, 0, 1, 0).check("t"))
                .hasMessageContaining("read 10 + released from quarantine 3 != inserted 10");
    }
}
