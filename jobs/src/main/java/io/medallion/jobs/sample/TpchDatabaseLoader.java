package io.medallion.jobs.sample;

import io.trino.tpch.Customer;
import io.trino.tpch.CustomerGenerator;
import io.trino.tpch.GenerateUtils;
import io.trino.tpch.Order;
import io.trino.tpch.OrderGenerator;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;

/**
 * Clean TPC-H {@code orders} and {@code customer} in a database, as an application would hold
 * them, batch by batch: {@code tpch.orders} and {@code tpch.customer}, each with an
 * {@code updated_at timestamptz}. Batch 1 creates the tables and inserts its rows; each later
 * batch first changes what is there, then inserts its own rows:
 * <ul>
 *   <li>about 1 % of the orders present are updated (status F, a new comment), and 1 % of the
 *       customers (balance + 100), with a newer {@code updated_at};</li>
 *   <li>about 0.5 % of the customers present are deleted;</li>
 *   <li>every 200th order of the previous batch was held back and commits now, late: its
 *       {@code updated_at} is half a lag in the past, older than rows committed before it, as a
 *       long transaction's would be. An extract that stopped {@code lag} behind its start takes it
 *       next time; one that read up to its start would have moved past it.</li>
 * </ul>
 * Orders are split into batches by order date and customers by key, as the landing generator
 * splits them; the same settings give the same rows.
 */
public final class TpchDatabaseLoader {
    private static final String ORDERS = "tpch.orders";
    private static final String CUSTOMER = "tpch.customer";
    private static final int LATE_EVERY = 200;
    private static final int BATCH_ROWS = 5_000;

    private final String url;
    private final Properties credentials;
    private final double scale;
    private final int batches;
    private final Duration lag;

    /** What one batch did, for the summary. */
    public record BatchSummary(int batch, long ordersInserted, long lateOrders, long ordersUpdated,
                               long customersInserted, long customersUpdated, long customersDeleted, double seconds) {
    }

    /**
     * @param url the database's JDBC URL
     * @param credentials user and password, when the URL does not carry them
     * @param lag the extract's lag: late orders carry an {@code updated_at} half of it in the past
     */
    public TpchDatabaseLoader(String url, Properties credentials, double scale, int batches, Duration lag) {
        if (batches < 1) {
            throw new IllegalArgumentException("--batches must be at least 1, got " + batches);
        }
        this.url = url;
        this.credentials = credentials;
        this.scale = scale;
        this.batches = batches;
        this.lag = lag;
    }

    /**
     * Applies batch {@code batch} (1-based).
     *
     * @param replace whether batch 1 may drop tables a previous load left
     * @throws IllegalStateException when batch 1 finds the tables already there and may not replace them
     */
    public BatchSummary load(int batch, boolean replace) throws SQLException {
        if (batch < 1 || batch > batches) {
            throw new IllegalArgumentException("--batch must be 1.." + batches + ", got " + batch);
        }
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, credentials)) {
            c.setAutoCommit(false);
            long updated = 0;
            long customersUpdated = 0;
            long deleted = 0;
            if (batch == 1) {
                create(c, replace);
            } else {
                try (Statement st = c.createStatement()) {
                    updated = st.executeUpdate("UPDATE " + ORDERS + " SET o_orderstatus = 'F', o_comment = 'changed in "
                            + "batch " + batch + "', updated_at = now() WHERE o_orderkey % 101 = " + batch);
                    customersUpdated = st.executeUpdate("UPDATE " + CUSTOMER + " SET c_acctbal = c_acctbal + 100, "
                            + "updated_at = now() WHERE c_custkey % 97 = " + batch);
                    deleted = st.executeUpdate("DELETE FROM " + CUSTOMER + " WHERE c_custkey % 199 = " + batch);
                }
            }
            long customers = insertCustomers(c, batch - 1);
            long orders = insertOrders(c, batch - 1, false);
            c.commit();
            // The late orders of the batch before commit after this batch's rows, with an older time;
            // the last batch's own late orders follow its rows, so that the last load holds them all.
            long late = batch > 1 ? insertOrders(c, batch - 2, true) : 0;
            c.commit();
            if (batch == batches) {
                late += insertOrders(c, batch - 1, true);
                c.commit();
            }
            return new BatchSummary(batch, orders, late, updated, customers, customersUpdated, deleted,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private static void create(Connection c, boolean replace) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS tpch");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                    + "'tpch' AND table_name IN ('orders', 'customer')")) {
                rs.next();
                if (rs.getLong(1) > 0 && !replace) {
                    throw new IllegalStateException("tpch.orders or tpch.customer already exists in the database; "
                            + "use --force to replace them, or load a later --batch");
                }
            }
            st.execute("DROP TABLE IF EXISTS " + ORDERS);
            st.execute("DROP TABLE IF EXISTS " + CUSTOMER);
            st.execute("CREATE TABLE " + ORDERS + " (o_orderkey bigint PRIMARY KEY, o_custkey bigint NOT NULL, "
                    + "o_orderstatus varchar(1) NOT NULL, o_totalprice numeric(15,2) NOT NULL, o_orderdate date NOT NULL, "
                    + "o_orderpriority varchar(15) NOT NULL, o_clerk varchar(15) NOT NULL, o_shippriority int NOT NULL, "
                    + "o_comment varchar(79) NOT NULL, updated_at timestamptz NOT NULL)");
            st.execute("CREATE TABLE " + CUSTOMER + " (c_custkey bigint PRIMARY KEY, c_name varchar(25) NOT NULL, "
                    + "c_address varchar(40) NOT NULL, c_nationkey bigint NOT NULL, c_phone varchar(15) NOT NULL, "
                    + "c_acctbal numeric(15,2) NOT NULL, c_mktsegment varchar(10) NOT NULL, "
                    + "c_comment varchar(117) NOT NULL, updated_at timestamptz NOT NULL)");
            // The extract's filter and its partitioned read go by these.
            st.execute("CREATE INDEX ON " + ORDERS + " (updated_at, o_orderkey)");
        }
    }

    /** The batch's orders (0-based batch): the on-time ones, or only those held back to commit late. */
    private long insertOrders(Connection c, int batch, boolean late) throws SQLException {
        String time = late ? "now() - CAST(? AS interval)" : "now()";
        long n = 0;
        long index = 0;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + ORDERS + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                + time + ")")) {
            for (Order o : new OrderGenerator(scale, 1, 1)) {
                LocalDate date = LocalDate.parse(GenerateUtils.formatDate(o.getOrderDate()));
                if (TpchLandingGenerator.orderBatch(date, batches) != batch) {
                    continue;
                }
                boolean heldBack = index++ % LATE_EVERY == LATE_EVERY - 1;
                if (heldBack != late) {
                    continue;
                }
                ps.setLong(1, o.getOrderKey());
                ps.setLong(2, o.getCustomerKey());
                ps.setString(3, String.valueOf(o.getOrderStatus()));
                ps.setBigDecimal(4, BigDecimal.valueOf(o.getTotalPriceInCents(), 2));
                ps.setObject(5, date);
                ps.setString(6, o.getOrderPriority());
                ps.setString(7, o.getClerk());
                ps.setInt(8, o.getShipPriority());
                ps.setString(9, o.getComment());
                if (late) {
                    ps.setString(10, lag.dividedBy(2).toMillis() + " milliseconds");
                }
                ps.addBatch();
                if (++n % BATCH_ROWS == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
        return n;
    }

    private long insertCustomers(Connection c, int batch) throws SQLException {
        long total = Math.round(150_000 * scale);
        long n = 0;
        long index = 0;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + CUSTOMER
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())")) {
            for (Customer cu : new CustomerGenerator(scale, 1, 1)) {
                if (TpchLandingGenerator.keyBatch(index++, total, batches) != batch) {
                    continue;
                }
                ps.setLong(1, cu.getCustomerKey());
                ps.setString(2, cu.getName());
                ps.setString(3, cu.getAddress());
                ps.setLong(4, cu.getNationKey());
                ps.setString(5, cu.getPhone());
                ps.setBigDecimal(6, BigDecimal.valueOf(cu.getAccountBalanceInCents(), 2));
                ps.setString(7, cu.getMarketSegment());
                ps.setString(8, cu.getComment());
                ps.addBatch();
                if (++n % BATCH_ROWS == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
        return n;
    }
}
