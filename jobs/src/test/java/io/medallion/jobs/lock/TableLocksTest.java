package io.medallion.jobs.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medallion.lake.TableRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Table locks on a local lake: refusal naming the holder, bounded waits, takeovers of dead holders. */
class TableLocksTest {
    @TempDir
    Path dir;

    private static final List<TableRef> ORDERS = List.of(TableRef.silver("orders"), TableRef.bronze("orders"));

    private TableLocks locks(Duration lease) {
        return new TableLocks(LockStore.of(dir.resolve("_locks").toUri().toString(), new org.apache.hadoop.conf
                .Configuration()), Clock.systemUTC(), lease);
    }

    private static final Instant STARTED = Instant.now();

    private static TableLocks.Holder run(String id) {
        return TableLocks.self(id, "medallion pipeline", STARTED);
    }

    @Test
    void aSecondWriterIsRefusedAtOnceWithTheHoldersRunStartAndHost() {
        TableLocks locks = locks(TableLocks.LEASE);
        try (TableLocks.Held first = locks.acquire(ORDERS, run("run-a"), Duration.ZERO)) {
            assertThat(first.tables()).containsExactly("bronze.orders", "silver.orders");
            assertThatThrownBy(() -> locks.acquire(List.of(TableRef.silver("orders")), run("run-b"), Duration.ZERO))
                    .isInstanceOf(TableLocks.LockedException.class)
                    .hasMessageStartingWith("table silver.orders is being written by run run-a (medallion pipeline, "
                            + "started " + STARTED + ", host " + TableLocks.host() + ", pid "
                            + ProcessHandle.current().pid() + ")");
            // Another table is free, and a refused run keeps none of the locks it took before the refusal.
            assertThatThrownBy(() -> locks.acquire(List.of(TableRef.gold("x"), TableRef.silver("orders")), run("run-b"),
                    Duration.ZERO)).isInstanceOf(TableLocks.LockedException.class);
            try (TableLocks.Held other = locks.acquire(List.of(TableRef.gold("x")), run("run-c"), Duration.ZERO)) {
                assertThat(other.tables()).containsExactly("gold.x");
            }
        }
        try (TableLocks.Held after = locks.acquire(ORDERS, run("run-b"), Duration.ZERO)) {
            assertThat(after.tables()).hasSize(2);
        }
    }

    @Test
    void aWaitingWriterGetsTheTableWhenTheHolderLetsGoAndGivesUpAtItsDeadline() throws Exception {
        TableLocks locks = locks(TableLocks.LEASE);
        TableLocks.Held first = locks.acquire(ORDERS, run("run-a"), Duration.ZERO);
        long start = System.nanoTime();
        assertThatThrownBy(() -> locks.acquire(ORDERS, run("run-b"), Duration.ofMillis(1500)))
                .isInstanceOf(TableLocks.LockedException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(5));

        Thread release = new Thread(() -> {
            sleep(800);
            first.close();
        });
        release.start();
        start = System.nanoTime();
        try (TableLocks.Held second = locks.acquire(ORDERS, run("run-b"), Duration.ofSeconds(30))) {
            assertThat(second.tables()).hasSize(2);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(700),
                    Duration.ofSeconds(10));
        }
        release.join();
    }

    @Test
    void aLockWhoseProcessOnThisHostHasEndedIsTakenOverAtOnce() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        TableLocks.Holder dead = new TableLocks.Holder("run-dead", "medallion bronze", TableLocks.host(), ended.pid(),
                Instant.now().toString(), Instant.now().toString());
        Files.createDirectories(dir.resolve("_locks"));
        Files.writeString(dir.resolve("_locks/silver.orders.lock"), new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(dead));
        try (TableLocks.Held taken = locks(TableLocks.LEASE).acquire(ORDERS, run("run-b"), Duration.ZERO)) {
            assertThat(taken.tables()).hasSize(2);
            assertThat(Files.readString(dir.resolve("_locks/silver.orders.lock"))).contains("run-b");
        }
        assertThat(dir.resolve("_locks/silver.orders.lock")).doesNotExist();
    }

    @Test
    void aHolderOnAnotherHostKeepsItsLockByRenewingAndLosesItWhenItStops() {
        TableLocks locks = locks(Duration.ofMillis(600));
        TableLocks.Holder remote = new TableLocks.Holder("run-remote", "medallion silver", "elsewhere", 1,
                Instant.now().toString(), Instant.now().toString());
        TableLocks.Held held = locks.acquire(ORDERS, remote, Duration.ZERO);
        // It renews every 150 ms: three leases later it still holds the table.
        assertThatThrownBy(() -> locks.acquire(ORDERS, run("run-b"), Duration.ofMillis(1800)))
                .isInstanceOf(TableLocks.LockedException.class).hasMessageContaining("run-remote");
        // A holder that stops renewing without letting go (its host died) loses the table after its lease.
        TableLocks.Holder silent = new TableLocks.Holder("run-silent", "medallion silver", "elsewhere", 1,
                Instant.now().minusSeconds(5).toString(), Instant.now().minusSeconds(5).toString());
        held.close();
        TableLocks still = new TableLocks(LockStore.of(dir.resolve("_locks").toUri().toString(),
                new org.apache.hadoop.conf.Configuration()), Clock.systemUTC(), Duration.ofHours(1));
        TableLocks.Held stale = still.acquire(List.of(TableRef.gold("m")), silent, Duration.ZERO);
        assertThatThrownBy(() -> still.acquire(List.of(TableRef.gold("m")), run("run-b"), Duration.ZERO))
                .as("within its lease").isInstanceOf(TableLocks.LockedException.class);
        try (TableLocks.Held taken = locks.acquire(List.of(TableRef.gold("m")), run("run-b"), Duration.ZERO)) {
            assertThat(taken.tables()).containsExactly("gold.m");
        }
        stale.close();
    }

    @Test
    void ofManyRacingWritersExactlyOneHoldsTheTableAtATime() throws Exception {
        TableLocks locks = locks(TableLocks.LEASE);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger wins = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int w = 0; w < 8; w++) {
                String id = "run-" + w;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 5; i++) {
                        try (TableLocks.Held h = locks.acquire(ORDERS, run(id + "-" + i), Duration.ofSeconds(60))) {
                            mostAtOnce.accumulateAndGet(holding.incrementAndGet(), Math::max);
                            wins.incrementAndGet();
                            holding.decrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(wins.get()).isEqualTo(40);
        assertThat(mostAtOnce.get()).isEqualTo(1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
