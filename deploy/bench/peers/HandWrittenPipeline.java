import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The hand-written peer of the whole pipeline (compare.sh, P6): what a data engineer writes by hand
 * for the TPC-H feed, one Spark SQL job run once per batch date, as medallion's pipeline is. For
 * each date it appends the day's landing files to bronze Delta tables (Spark's CSV and JSON readers
 * with the declared schema; malformed lines dropped), then MERGEs the day's rows into silver with
 * the same casts, the same row rules as filters, the same dedup (latest delivery of a key, or
 * latest seq of the customer change feed, deletes applied), and rebuilds the five gold models from
 * the very SQL files medallion runs (conf/gold). No ledger, no row accounting, no quarantine, no
 * quality checks, no locks, no PII protection, no maintenance.
 *
 * Fair to the peer: it runs in the same JVM flags and heap as the launcher, with the same local
 * Spark settings (io.medallion.spark.SparkSessions: shuffle partitions = cores, the fork-free
 * local file system, one snapshot partition) and the same logging (Spark's classes at WARN), reading
 * the same landing files.
 *
 * Usage: java -cp <medallion jar and its classpath> HandWrittenPipeline.java LANDING LAKE CONF_GOLD DATE...
 * Prints one line per date with its seconds, then each gold table's row count.
 */
public class HandWrittenPipeline {
    /** The delimited tables: columns as Spark DDL, the key, the row rules as a SQL predicate. */
    record Table(String name, String ddl, String key, String rules) {
    }

    static final List<Table> DELIMITED = List.of(
            new Table("orders", "o_orderkey BIGINT, o_custkey BIGINT, o_orderstatus STRING, o_totalprice DECIMAL(15,2), "
                    + "o_orderdate DATE, o_orderpriority STRING, o_clerk STRING, o_shippriority INT, o_comment STRING",
                    "o_orderkey",
                    "o_orderkey IS NOT NULL AND o_custkey IS NOT NULL AND o_orderstatus IS NOT NULL "
                            + "AND o_totalprice IS NOT NULL AND o_orderdate IS NOT NULL "
                            + "AND o_orderdate BETWEEN DATE'1992-01-01' AND DATE'1998-12-31' "
                            + "AND o_orderstatus IN ('O','F','P') AND o_totalprice >= 0"),
            new Table("lineitem", "l_orderkey BIGINT, l_partkey BIGINT, l_suppkey BIGINT, l_linenumber INT, "
                    + "l_quantity DECIMAL(15,2), l_extendedprice DECIMAL(15,2), l_discount DECIMAL(15,2), "
                    + "l_tax DECIMAL(15,2), l_returnflag STRING, l_linestatus STRING, l_shipdate DATE, "
                    + "l_commitdate DATE, l_receiptdate DATE, l_shipinstruct STRING, l_shipmode STRING, l_comment STRING",
                    "l_orderkey, l_linenumber",
                    "l_orderkey IS NOT NULL AND l_partkey IS NOT NULL AND l_suppkey IS NOT NULL "
                            + "AND l_linenumber IS NOT NULL AND l_quantity IS NOT NULL AND l_extendedprice IS NOT NULL "
                            + "AND l_discount IS NOT NULL AND l_tax IS NOT NULL AND l_returnflag IS NOT NULL "
                            + "AND l_linestatus IS NOT NULL AND l_shipdate IS NOT NULL AND l_commitdate IS NOT NULL "
                            + "AND l_receiptdate IS NOT NULL AND l_quantity BETWEEN 1 AND 50 "
                            + "AND l_discount BETWEEN 0 AND 0.10 AND l_tax BETWEEN 0 AND 0.08 "
                            + "AND l_returnflag IN ('R','A','N') AND l_linestatus IN ('O','F') "
                            + "AND l_orderkey IN (SELECT o_orderkey FROM silver.orders)"),
            new Table("part", "p_partkey BIGINT, p_name STRING, p_mfgr STRING, p_brand STRING, p_type STRING, "
                    + "p_size INT, p_container STRING, p_retailprice DECIMAL(15,2), p_comment STRING",
                    "p_partkey", "p_partkey IS NOT NULL"),
            new Table("partsupp", "ps_partkey BIGINT, ps_suppkey BIGINT, ps_availqty INT, "
                    + "ps_supplycost DECIMAL(15,2), ps_comment STRING",
                    "ps_partkey, ps_suppkey", "ps_partkey IS NOT NULL AND ps_suppkey IS NOT NULL"),
            new Table("supplier", "s_suppkey BIGINT, s_name STRING, s_address STRING, s_nationkey BIGINT, "
                    + "s_phone STRING, s_acctbal DECIMAL(15,2), s_comment STRING",
                    "s_suppkey", "s_suppkey IS NOT NULL AND s_nationkey IS NOT NULL"),
            new Table("nation", "n_nationkey BIGINT, n_name STRING, n_regionkey BIGINT, n_comment STRING",
                    "n_nationkey", "n_nationkey IS NOT NULL AND n_name IS NOT NULL AND n_regionkey IS NOT NULL"),
            new Table("region", "r_regionkey BIGINT, r_name STRING, r_comment STRING",
                    "r_regionkey", "r_regionkey IS NOT NULL AND r_name IS NOT NULL"));

    static final String CUSTOMER = "c_custkey BIGINT, c_name STRING, c_address STRING, c_nationkey BIGINT, "
            + "c_phone STRING, c_acctbal DECIMAL(15,2), c_mktsegment STRING, c_comment STRING";
    static final String CUSTOMER_RULES = "c_custkey IS NOT NULL AND c_name IS NOT NULL AND c_nationkey IS NOT NULL "
            + "AND (c_phone IS NULL OR c_phone RLIKE '^[0-9]{2}-[0-9]{3}-[0-9]{3}-[0-9]{4}$') "
            + "AND (c_mktsegment IS NULL OR c_mktsegment IN ('AUTOMOBILE','BUILDING','FURNITURE','HOUSEHOLD','MACHINERY'))";

    /** The gold models in the order they read each other. */
    static final List<String> GOLD = List.of("pricing_daily", "fact_sales", "revenue_by_nation_month",
            "nation_revenue_rank", "customer_lifetime_value");

    public static void main(String[] args) throws Exception {
        String landing = args[0];
        String lake = args[1];
        Path goldSql = Path.of(args[2]);
        List<String> dates = List.of(args).subList(3, args.length);
        SparkSession.Builder builder = SparkSession.builder().appName("hand-written pipeline");
        Map<String, String> conf = new LinkedHashMap<>(io.medallion.spark.SparkSessions.deltaSettings());
        conf.putAll(io.medallion.spark.SparkSessions.localSettings(Runtime.getRuntime().availableProcessors()));
        // A bad date such as 1993-13-45 must make its line malformed (dropped), not fail the job.
        conf.put("spark.sql.legacy.timeParserPolicy", "CORRECTED");
        conf.forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        spark.sql("CREATE DATABASE IF NOT EXISTS silver");
        spark.sql("CREATE DATABASE IF NOT EXISTS gold");
        for (String date : dates) {
            long start = System.nanoTime();
            for (Table t : DELIMITED) {
                if (bronzeDelimited(spark, t, landing, lake, date)) {
                    silver(spark, t.name(), lake, date, t.rules(), t.key(), "_source_line");
                }
            }
            if (bronzeCustomer(spark, landing, lake, date)) {
                silverCustomer(spark, lake, date);
            }
            for (String model : GOLD) {
                String sql = Files.readString(goldSql.resolve(model + ".sql"));
                spark.sql(sql).write().format("delta").mode("overwrite").option("overwriteSchema", "true")
                        .save(lake + "/gold/" + model);
                register(spark, "gold." + model, lake + "/gold/" + model);
            }
            System.out.printf("%s %.1f s%n", date, (System.nanoTime() - start) / 1e9);
        }
        for (String model : GOLD) {
            System.out.printf("gold.%s %d rows%n", model, spark.table("gold." + model).count());
        }
        spark.stop();
    }

    /** The day's files with the declared schema (plus the empty field after dbgen's last '|'), if any came. */
    static boolean bronzeDelimited(SparkSession spark, Table t, String landing, String lake, String date)
            throws java.io.IOException {
        String files = landing + "/" + t.name() + "/" + date + "/*.tbl";
        if (!delivered(spark, files)) {
            return false;
        }
        Dataset<Row> day = spark.read().schema(t.ddl() + ", _trailing STRING").option("sep", "|")
                .option("mode", "DROPMALFORMED").csv(files)
                .drop("_trailing");
        appendBronze(day, lake + "/bronze/" + t.name(), date);
        return true;
    }

    /** Whether any file matches: a table need not be delivered every day (nation comes once). */
    static boolean delivered(SparkSession spark, String glob) throws java.io.IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(glob);
        org.apache.hadoop.fs.FileStatus[] found = path.getFileSystem(spark.sparkContext().hadoopConfiguration())
                .globStatus(path);
        return found != null && found.length > 0;
    }

    static void appendBronze(Dataset<Row> day, String path, String date) {
        day.selectExpr("*", "DATE'" + date + "' AS _batch_date", "input_file_name() AS _source_file",
                        "monotonically_increasing_id() AS _source_line")
                .write().format("delta").mode("append").save(path);
    }

    /** The day's valid rows, the latest per key, MERGEd into silver: changed rows updated, new ones inserted. */
    static void silver(SparkSession spark, String name, String lake, String date, String rules, String key,
                       String latest) {
        spark.read().format("delta").load(lake + "/bronze/" + name).createOrReplaceTempView("bronze_day");
        Dataset<Row> rows = spark.sql("SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY " + key
                + " ORDER BY _batch_date DESC, _source_file DESC, " + latest + " DESC) AS _rank FROM bronze_day"
                + " WHERE _batch_date = DATE'" + date + "' AND " + rules + ") WHERE _rank = 1").drop("_rank");
        String path = lake + "/silver/" + name;
        if (!io.delta.tables.DeltaTable.isDeltaTable(spark, path)) {
            rows.write().format("delta").save(path);
            register(spark, "silver." + name, path);
            return;
        }
        register(spark, "silver." + name, path);
        rows.createOrReplaceTempView("day_rows");
        List<String> on = new ArrayList<>();
        for (String k : key.split(",\\s*")) {
            on.add("s." + k + " = d." + k);
        }
        spark.sql("MERGE INTO silver." + name + " s USING day_rows d ON " + String.join(" AND ", on)
                + " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
    }

    /** The customer change feed: events with before and after images, one JSON object per line. */
    static boolean bronzeCustomer(SparkSession spark, String landing, String lake, String date)
            throws java.io.IOException {
        String files = landing + "/customer/" + date + "/*.jsonl";
        if (!delivered(spark, files)) {
            return false;
        }
        Dataset<Row> day = spark.read().schema("op STRING, seq BIGINT, before STRUCT<" + CUSTOMER + ">, after STRUCT<"
                        + CUSTOMER + ">")
                .option("mode", "DROPMALFORMED").json(files);
        appendBronze(day, lake + "/bronze/customer", date);
        return true;
    }

    /** The day's valid events, the latest per customer by seq; a delete's key is in its before image. */
    static void silverCustomer(SparkSession spark, String lake, String date) {
        spark.read().format("delta").load(lake + "/bronze/customer").createOrReplaceTempView("bronze_day");
        Dataset<Row> events = spark.sql("SELECT op, seq, image.* FROM (SELECT *, "
                + "CASE WHEN op = 'd' THEN before ELSE after END AS image FROM bronze_day) e WHERE _batch_date = DATE'" + date
                + "' AND op IN ('c','u','d')");
        events.createOrReplaceTempView("events");
        Dataset<Row> latest = spark.sql("SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY c_custkey"
                + " ORDER BY seq DESC) AS _rank FROM events WHERE op = 'd' AND c_custkey IS NOT NULL OR "
                + CUSTOMER_RULES + ") WHERE _rank = 1").drop("_rank");
        String path = lake + "/silver/customer";
        if (!io.delta.tables.DeltaTable.isDeltaTable(spark, path)) {
            latest.where("op <> 'd'").write().format("delta").save(path); // op and seq stay, for the MERGE
            register(spark, "silver.customer", path);
            return;
        }
        register(spark, "silver.customer", path);
        latest.createOrReplaceTempView("day_rows");
        spark.sql("MERGE INTO silver.customer s USING day_rows d ON s.c_custkey = d.c_custkey"
                + " WHEN MATCHED AND d.op = 'd' THEN DELETE"
                + " WHEN MATCHED AND d.seq > s.seq THEN UPDATE SET *"
                + " WHEN NOT MATCHED AND d.op <> 'd' THEN INSERT *");
    }

    static void register(SparkSession spark, String name, String path) {
        spark.sql("CREATE TABLE IF NOT EXISTS " + name + " USING delta LOCATION '" + path + "'");
    }

}
