import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/**
 * The DuckDB peer of the whole pipeline (compare.sh, P6): the same gold tables computed by DuckDB
 * from the same raw landing files, in one pass over every batch, as DuckDB is used. Silver is
 * built in SQL with the same declared types (DECIMAL(15,2), DATE, BIGINT), the same row rules as
 * filters and the same dedup (latest delivery of a key; the customer change feed's latest seq,
 * deletes applied); lines DuckDB cannot parse into the declared types are skipped
 * (ignore_errors). Gold runs the very SQL files medallion runs (conf/gold). Every table is stored
 * in a DuckDB database file, DuckDB's own format; nothing is written as Delta or Parquet.
 *
 * Fair to the peer: threads = the machine's cores, memory_limit = the launcher's driver heap
 * (MEDALLION_DRIVER_MEMORY, 4GB by default). No ledger, accounting, quarantine or quality.
 *
 * Usage: java -cp duckdb_jdbc.jar DuckDbPipeline.java LANDING DATABASE_FILE CONF_GOLD
 * Prints its seconds, then each gold table's row count.
 */
public class DuckDbPipeline {
    static final String LINEITEM = "{'l_orderkey': 'BIGINT', 'l_partkey': 'BIGINT', 'l_suppkey': 'BIGINT', "
            + "'l_linenumber': 'INTEGER', 'l_quantity': 'DECIMAL(15,2)', 'l_extendedprice': 'DECIMAL(15,2)', "
            + "'l_discount': 'DECIMAL(15,2)', 'l_tax': 'DECIMAL(15,2)', 'l_returnflag': 'VARCHAR', "
            + "'l_linestatus': 'VARCHAR', 'l_shipdate': 'DATE', 'l_commitdate': 'DATE', 'l_receiptdate': 'DATE', "
            + "'l_shipinstruct': 'VARCHAR', 'l_shipmode': 'VARCHAR', 'l_comment': 'VARCHAR', '_trailing': 'VARCHAR'}";
    static final String ORDERS = "{'o_orderkey': 'BIGINT', 'o_custkey': 'BIGINT', 'o_orderstatus': 'VARCHAR', "
            + "'o_totalprice': 'DECIMAL(15,2)', 'o_orderdate': 'DATE', 'o_orderpriority': 'VARCHAR', "
            + "'o_clerk': 'VARCHAR', 'o_shippriority': 'INTEGER', 'o_comment': 'VARCHAR', '_trailing': 'VARCHAR'}";
    static final String PART = "{'p_partkey': 'BIGINT', 'p_name': 'VARCHAR', 'p_mfgr': 'VARCHAR', 'p_brand': 'VARCHAR', "
            + "'p_type': 'VARCHAR', 'p_size': 'INTEGER', 'p_container': 'VARCHAR', 'p_retailprice': 'DECIMAL(15,2)', "
            + "'p_comment': 'VARCHAR', '_trailing': 'VARCHAR'}";
    static final String PARTSUPP = "{'ps_partkey': 'BIGINT', 'ps_suppkey': 'BIGINT', 'ps_availqty': 'INTEGER', "
            + "'ps_supplycost': 'DECIMAL(15,2)', 'ps_comment': 'VARCHAR', '_trailing': 'VARCHAR'}";
    static final String SUPPLIER = "{'s_suppkey': 'BIGINT', 's_name': 'VARCHAR', 's_address': 'VARCHAR', "
            + "'s_nationkey': 'BIGINT', 's_phone': 'VARCHAR', 's_acctbal': 'DECIMAL(15,2)', 's_comment': 'VARCHAR', "
            + "'_trailing': 'VARCHAR'}";
    static final String NATION = "{'n_nationkey': 'BIGINT', 'n_name': 'VARCHAR', 'n_regionkey': 'BIGINT', "
            + "'n_comment': 'VARCHAR', '_trailing': 'VARCHAR'}";
    static final String REGION = "{'r_regionkey': 'BIGINT', 'r_name': 'VARCHAR', 'r_comment': 'VARCHAR', "
            + "'_trailing': 'VARCHAR'}";
    static final String CUSTOMER = "STRUCT(c_custkey BIGINT, c_name VARCHAR, c_address VARCHAR, c_nationkey BIGINT, "
            + "c_phone VARCHAR, c_acctbal DECIMAL(15,2), c_mktsegment VARCHAR, c_comment VARCHAR)";

    static final List<String> GOLD = List.of("pricing_daily", "fact_sales", "revenue_by_nation_month",
            "nation_revenue_rank", "customer_lifetime_value");

    public static void main(String[] args) throws Exception {
        String landing = args[0];
        Path goldSql = Path.of(args[2]);
        String memory = System.getenv().getOrDefault("MEDALLION_DRIVER_MEMORY", "4g").toUpperCase() + "B";
        long start = System.nanoTime();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + args[1]);
             Statement sql = db.createStatement()) {
            sql.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
            sql.execute("SET memory_limit = '" + memory + "'");
            sql.execute("CREATE SCHEMA IF NOT EXISTS silver");
            sql.execute("CREATE SCHEMA IF NOT EXISTS gold");
            silver(sql, landing, "orders", ORDERS, "o_orderkey",
                    "o_orderkey IS NOT NULL AND o_custkey IS NOT NULL AND o_orderstatus IS NOT NULL "
                            + "AND o_totalprice IS NOT NULL AND o_orderdate IS NOT NULL "
                            + "AND o_orderdate BETWEEN DATE '1992-01-01' AND DATE '1998-12-31' "
                            + "AND o_orderstatus IN ('O','F','P') AND o_totalprice >= 0");
            silver(sql, landing, "lineitem", LINEITEM, "l_orderkey, l_linenumber",
                    "l_orderkey IS NOT NULL AND l_partkey IS NOT NULL AND l_suppkey IS NOT NULL "
                            + "AND l_linenumber IS NOT NULL AND l_quantity IS NOT NULL AND l_extendedprice IS NOT NULL "
                            + "AND l_discount IS NOT NULL AND l_tax IS NOT NULL AND l_returnflag IS NOT NULL "
                            + "AND l_linestatus IS NOT NULL AND l_shipdate IS NOT NULL AND l_commitdate IS NOT NULL "
                            + "AND l_receiptdate IS NOT NULL AND l_quantity BETWEEN 1 AND 50 "
                            + "AND l_discount BETWEEN 0 AND 0.10 AND l_tax BETWEEN 0 AND 0.08 "
                            + "AND l_returnflag IN ('R','A','N') AND l_linestatus IN ('O','F') "
                            + "AND l_orderkey IN (SELECT o_orderkey FROM silver.orders)");
            silver(sql, landing, "part", PART, "p_partkey", "p_partkey IS NOT NULL");
            silver(sql, landing, "partsupp", PARTSUPP, "ps_partkey, ps_suppkey",
                    "ps_partkey IS NOT NULL AND ps_suppkey IS NOT NULL");
            silver(sql, landing, "supplier", SUPPLIER, "s_suppkey", "s_suppkey IS NOT NULL AND s_nationkey IS NOT NULL");
            silver(sql, landing, "nation", NATION, "n_nationkey",
                    "n_nationkey IS NOT NULL AND n_name IS NOT NULL AND n_regionkey IS NOT NULL");
            silver(sql, landing, "region", REGION, "r_regionkey", "r_regionkey IS NOT NULL AND r_name IS NOT NULL");
            customer(sql, landing);
            for (String model : GOLD) {
                sql.execute("CREATE OR REPLACE TABLE gold." + model + " AS "
                        + Files.readString(goldSql.resolve(model + ".sql")));
            }
            System.out.printf("all %.1f s%n", (System.nanoTime() - start) / 1e9);
            for (String model : GOLD) {
                try (ResultSet r = sql.executeQuery("SELECT count(*) FROM gold." + model)) {
                    r.next();
                    System.out.printf("gold.%s %d rows%n", model, r.getLong(1));
                }
            }
        }
    }

    /** Every batch's files, lines that do not fit the declared types skipped, the latest delivery per key. */
    static void silver(Statement sql, String landing, String table, String columns, String key, String rules)
            throws Exception {
        sql.execute("CREATE OR REPLACE TABLE silver." + table + " AS SELECT * EXCLUDE (_trailing, filename, _rank) FROM ("
                + "SELECT *, row_number() OVER (PARTITION BY " + key + " ORDER BY "
                + "regexp_extract(filename, '/([0-9]{4}-[0-9]{2}-[0-9]{2})/', 1) DESC, filename DESC) AS _rank "
                + "FROM read_csv('" + landing + "/" + table + "/*/*.tbl', delim = '|', header = false, "
                + "auto_detect = false, columns = " + columns + ", ignore_errors = true, filename = true) "
                + "WHERE " + rules + ") WHERE _rank = 1");
    }

    /** The change feed: the latest valid event per customer by seq; a customer whose latest is a delete is gone. */
    static void customer(Statement sql, String landing) throws Exception {
        sql.execute("CREATE OR REPLACE TABLE silver.customer AS SELECT * EXCLUDE (op, seq, _rank) FROM ("
                + "SELECT op, seq, image.*, row_number() OVER (PARTITION BY image.c_custkey ORDER BY seq DESC) AS _rank "
                + "FROM (SELECT op, seq, CASE WHEN op = 'd' THEN before ELSE after END AS image "
                + "FROM read_json('" + landing + "/customer/*/*.jsonl', format = 'newline_delimited', "
                + "columns = {'op': 'VARCHAR', 'seq': 'BIGINT', 'before': '" + CUSTOMER + "', 'after': '" + CUSTOMER
                + "'}, ignore_errors = true)) "
                + "WHERE op = 'd' AND image.c_custkey IS NOT NULL OR (op IN ('c','u') "
                + "AND image.c_custkey IS NOT NULL AND image.c_name IS NOT NULL AND image.c_nationkey IS NOT NULL "
                + "AND (image.c_phone IS NULL OR regexp_full_match(image.c_phone, '[0-9]{2}-[0-9]{3}-[0-9]{3}-[0-9]{4}')) "
                + "AND (image.c_mktsegment IS NULL OR image.c_mktsegment IN "
                + "('AUTOMOBILE','BUILDING','FURNITURE','HOUSEHOLD','MACHINERY')))) "
                + "WHERE _rank = 1 AND op <> 'd'");
    }
}
