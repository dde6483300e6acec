package io.medallion.jobs.lock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.medallion.lake.TableRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write locks on lake tables, so that two runs never interleave their commits on one table. A
 * writing command takes a lock per table it may write, for its whole run, before Spark starts: a
 * file {@code <lake>/_locks/<layer>.<table>.lock} naming the run, created only if absent (see
 * {@link LockStore}). A second writer waits up to {@code --wait} and then exits 1 naming the run
 * that holds the table. Readers ({@code sql}, {@code quality}'s reads) take no lock.
 *
 * <p>A holder that died leaves its lock behind. It is taken over when the holder is provably gone:
 * on the same host (and the same process namespace, so containers sharing a host name do not
 * count), its pid is no longer alive; anywhere, its lease has run out: a live holder renews its
 * lock every quarter of {@link #LEASE}. A takeover first claims a marker named after the dead
 * run, created only if absent, so two waiters cannot both take the same dead lock.
 */
public final class TableLocks {
    private static final Logger LOG = LoggerFactory.getLogger(TableLocks.class);
    /** A holder that has not renewed for this long is gone (its process, host or network). */
    public static final Duration LEASE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who holds a lock: the lock file's content (times as ISO-8601 instants). */
    public record Holder(String runId, String command, String host, long pid, String startedAt, String renewedAt) {
        Holder renewed(Instant at) {
            return new Holder(runId, command, host, pid, startedAt, at.toString());
        }

        String describe() {
            return "run " + runId + " (" + command + ", started " + startedAt + ", host " + host + ", pid " + pid
                    + ")";
        }
    }

    /** Another run holds a table and did not let go within the wait. */
    public static final class LockedException extends RuntimeException {
        LockedException(String message) {
            super(message);
        }
    }

    private final LockStore store;
    private final Clock clock;
    private final Duration lease;

    TableLocks(LockStore store, Clock clock, Duration lease) {
        this.store = store;
        this.clock = clock;
        this.lease = lease;
    }

    /** The locks of the lake at {@code lakeRoot}, reached with the Hadoop settings the jobs use. */
    public static TableLocks of(String lakeRoot, Configuration hadoop) {
        return new TableLocks(LockStore.of(lakeRoot + "/_locks", hadoop), Clock.systemUTC(), LEASE);
    }

    /** This process as a holder. */
    public static Holder self(String runId, String command, Instant startedAt) {
        return new Holder(runId, command, host(), ProcessHandle.current().pid(), startedAt.toString(),
                startedAt.toString());
    }

    /**
     * Takes every table's lock, in name order so that two runs cannot each wait for the other,
     * waiting up to {@code wait} for each held one.
     *
     * @throws LockedException naming the table and its holder when one stays held; the locks
     *     taken so far are released
     */
    public Held acquire(List<TableRef> tables, Holder me, Duration wait) {
        Instant deadline = clock.instant().plus(wait);
        List<String> names = new ArrayList<>();
        try {
            for (String table : new TreeSet<>(tables.stream().map(TableRef::toString).toList())) {
                lock(table, me, deadline);
                names.add(table);
            }
        } catch (RuntimeException e) {
            new Held(this, names, me, null).close();
            throw e;
        }
        return new Held(this, names, me, names.isEmpty() ? null : renewing(names, me));
    }

    private void lock(String table, Holder me, Instant deadline) {
        String name = table + ".lock";
        boolean told = false;
        while (true) {
            if (store.create(name, bytes(me))) {
                return;
            }
            Optional<Holder> holder = holder(name);
            if (holder.isEmpty()) {
                continue; // released between the create and the read
            }
            Optional<String> gone = gone(holder.get());
            if (gone.isPresent()) {
                takeOver(name, holder.get(), me, gone.get());
                continue;
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new LockedException("table " + table + " is being written by " + holder.get().describe()
                        + "; rerun when it has finished, or give --wait to wait for it");
            }
            if (!told) {
                LOG.info("waiting for table {}, which {} is writing", table, holder.get().describe());
                told = true;
            }
            sleep(Duration.ofMillis(Math.min(250, Math.max(1, Duration.between(clock.instant(), deadline)
                    .toMillis()))));
        }
    }

    /** Why {@code holder} is provably gone, if it is. */
    Optional<String> gone(Holder holder) {
        if (holder.host().equals(host())) {
            Optional<ProcessHandle> process = ProcessHandle.of(holder.pid()).filter(ProcessHandle::isAlive);
            if (process.isEmpty()) {
                return Optional.of("its process " + holder.pid() + " on this host has ended");
            }
            // A pid the system gave again to a process that started after the holder took the lock.
            Optional<Instant> started = process.get().info().startInstant();
            if (started.isPresent() && started.get().isAfter(Instant.parse(holder.startedAt()).plusSeconds(60))) {
                return Optional.of("its process " + holder.pid() + " on this host has ended (the pid now belongs to "
                        + "a process started at " + started.get() + ")");
            }
        }
        Duration silent = Duration.between(Instant.parse(holder.renewedAt()), clock.instant());
        if (silent.compareTo(lease) > 0) {
            return Optional.of("it has not renewed its lease for " + silent.toSeconds() + " s (lease "
                    + lease.toSeconds() + " s)");
        }
        return Optional.empty();
    }

    private void takeOver(String name, Holder dead, Holder me, String why) {
        String marker = name + ".takeover-" + dead.runId();
        if (!store.create(marker, bytes(me))) {
            // Another waiter is taking it over; unless that one died too, in which case its marker goes.
            holder(marker).filter(taker -> gone(taker).isPresent()).ifPresent(taker -> store.delete(marker));
            sleep(Duration.ofMillis(200));
            return;
        }
        try {
            if (holder(name).map(h -> h.runId().equals(dead.runId())).orElse(false)) {
                LOG.warn("taking over the lock {} of {}: {}", name, dead.describe(), why);
                store.delete(name);
            }
        } finally {
            store.delete(marker);
        }
    }

    private Optional<Holder> holder(String name) {
        return store.read(name).map(b -> {
            try {
                return JSON.readValue(b, Holder.class);
            } catch (IOException e) {
                // Unreadable: a lock being written by a store without atomic create. Treat it as held now.
                String now = clock.instant().toString();
                return new Holder("unknown", "unknown", "unknown", -1, now, now);
            }
        });
    }

    private ScheduledExecutorService renewing(List<String> tables, Holder me) {
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "table-lock-renewal");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, lease.toMillis() / 4);
        renewer.scheduleAtFixedRate(() -> {
            Holder renewed = me.renewed(clock.instant());
            for (String table : tables) {
                try {
                    if (holder(table + ".lock").map(h -> h.runId().equals(me.runId())).orElse(false)) {
                        store.put(table + ".lock", bytes(renewed));
                    } else {
                        LOG.error("the lock of table {} is no longer this run's; another run took it over", table);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("could not renew the lock of table {}: {}", table, e.getMessage());
                }
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return renewer;
    }

    /** The locks a run holds; closing releases them (those still its own). */
    public static final class Held implements AutoCloseable {
        /** No lock: a command that writes no table. */
        public static final Held NONE = new Held(null, List.of(), null, null);

        private final TableLocks locks;
        private final List<String> tables;
        private final Holder me;
        private final ScheduledExecutorService renewer;

        Held(TableLocks locks, List<String> tables, Holder me, ScheduledExecutorService renewer) {
            this.locks = locks;
            this.tables = List.copyOf(tables);
            this.me = me;
            this.renewer = renewer;
        }

        public List<String> tables() {
            return tables;
        }

        @Override
        public void close() {
            if (renewer != null) {
                renewer.shutdownNow();
            }
            for (String table : tables) {
                String name = table + ".lock";
                try {
                    if (locks.holder(name).map(h -> h.runId().equals(me.runId())).orElse(false)) {
                        locks.store.delete(name);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("could not release the lock of table {} ({}); the next run takes it over", table,
                            e.getMessage());
                }
            }
        }
    }

    private static byte[] bytes(Holder holder) {
        try {
            return JSON.writeValueAsBytes(holder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a table lock", e);
        }
    }

    /**
     * This host, as far as a pid means anything: the host name and, on Linux, the pid namespace,
     * since containers on one machine may share a host name but not their pids.
     */
    public static String host() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            name = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown");
        }
        try {
            Path ns = Path.of("/proc/self/ns/pid");
            if (Files.exists(ns)) {
                return name + " " + Files.readSymbolicLink(ns).getFileName();
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not Linux, or not readable: the host name alone
        }
        return name;
    }
}
