package io.medallion.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Work side by side: a failure stays with its item, and an item waits for its own parents only. */
class PerTableTest {
    @Test
    void aChildStartsWhenItsParentIsDoneWithoutWaitingForOtherItems() {
        AtomicBoolean parentDone = new AtomicBoolean();
        AtomicBoolean parentDoneWhenChildStarted = new AtomicBoolean();
        CountDownLatch childStarted = new CountDownLatch(1);
        AtomicBoolean sawChildStart = new AtomicBoolean();
        Map<String, List<String>> parents = Map.of("child", List.of("parent"));

        List<TableOutcome> outcomes = PerTable.each(List.of("parent", "unrelated", "child"), t -> t,
                t -> parents.getOrDefault(t, List.of()), 3, t -> {
                    switch (t) {
                        // Ends only once the child has started or a moment has passed: a child that did
                        // not wait would start first and find its parent unfinished.
                        case "parent" -> {
                            childStarted.await(200, TimeUnit.MILLISECONDS);
                            parentDone.set(true);
                        }
                        // Holds its thread until the child has started; a level-by-level run would never start it.
                        case "unrelated" -> sawChildStart.set(childStarted.await(10, TimeUnit.SECONDS));
                        default -> {
                            parentDoneWhenChildStarted.set(parentDone.get());
                            childStarted.countDown();
                        }
                    }
                    return TableOutcome.builder(t).build();
                });

        assertThat(outcomes).extracting(TableOutcome::table).containsExactly("parent", "unrelated", "child");
        assertThat(parentDoneWhenChildStarted).as("the child waited for its parent").isTrue();
        assertThat(sawChildStart).as("the child did not wait for the unrelated item").isTrue();
    }

    @Test
    void aFailedParentFailsOnlyItselfAndTheChildStillRuns() {
        List<TableOutcome> outcomes = PerTable.each(List.of("parent", "child"), t -> t,
                t -> t.equals("child") ? List.of("parent") : List.of(), 2, t -> {
                    if (t.equals("parent")) {
                        throw new IllegalStateException("parent broke");
                    }
                    return TableOutcome.builder(t).rowsRead(3).build();
                });

        assertThat(outcomes.get(0).status()).isEqualTo(TableStatus.FAILED);
        assertThat(outcomes.get(0).message()).isEqualTo("parent broke");
        assertThat(outcomes.get(1).status()).isEqualTo(TableStatus.SUCCEEDED);
        assertThat(outcomes.get(1).rowsRead()).isEqualTo(3);
    }
}
