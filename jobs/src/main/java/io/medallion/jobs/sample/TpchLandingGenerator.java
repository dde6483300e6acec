package io.medallion.jobs.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trino.tpch.Customer;
import io.trino.tpch.CustomerGenerator;
import io.trino.tpch.LineItem;
import io.trino.tpch.LineItemGenerator;
import io.trino.tpch.NationGenerator;
import io.trino.tpch.Order;
import io.trino.tpch.OrderGenerator;
import io.trino.tpch.PartGenerator;
import io.trino.tpch.PartSupplierGenerator;
import io.trino.tpch.RegionGenerator;
import io.trino.tpch.SupplierGenerator;
import io.trino.tpch.TpchEntity;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.Random;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes TPC-H landing data in daily batches with injected defects, and {@code manifest.json}
 * describing them. Rows come from {@code io.trino.tpch}, which reproduces dbgen; the clean tables
 * are exactly the landing lines minus the defect lines the manifest counts. The output is a pure
 * function of the settings: the same seed gives byte-identical files.
 */
public final class TpchLandingGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(TpchLandingGenerator.class);

    /** Keys of injected rows start far above any TPC-H key, so they never collide with clean ones. */
    static final long INVALID_KEY_BASE = 9_000_000_000L;
    static final long ORPHAN_ORDER_KEY_BASE = 8_000_000_000L;
    /** TPC-H order dates lie in 1992-01-01 .. 1998-08-02. */
    private static final LocalDate FIRST_ORDER_DATE = LocalDate.of(1992, 1, 1);
    private static final LocalDate LAST_ORDER_DATE = LocalDate.of(1998, 8, 2);
    private static final long ORDER_DAYS = LAST_ORDER_DATE.toEpochDay() - FIRST_ORDER_DATE.toEpochDay() + 1;
    /** The undeclared column that change events carry from the second batch on. */
    public static final String DRIFT_COLUMN = "c_loyalty_tier";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GeneratorSettings settings;
    private final FileSystem fs;
    private final Path landingRoot;
    private final Manifest manifest = new Manifest();
    private long invalidKeys;

    public TpchLandingGenerator(GeneratorSettings settings, FileSystem fs, Path landingRoot) {
        this.settings = settings;
        this.fs = fs;
        // Landing files are someone else's deliveries; no .crc side files next to them.
        fs.setWriteChecksum(false);
        this.landingRoot = landingRoot;
        manifest.scale = settings.scale();
        manifest.format = settings.format().key();
        manifest.seed = settings.seed();
        for (int b = 0; b < settings.batches(); b++) {
            manifest.batchDates.add(settings.batchDate(b).toString());
        }
        settings.rates().forEach((d, r) -> manifest.rates.put(d.key(), r));
    }

    /** Generates every table and writes the manifest; returns it. */
    public Manifest generate() throws IOException {
        ordersAndLineItems();
        customers();
        dimension("part", new PartGenerator(settings.scale(), 1, 1), Math.round(200_000 * settings.scale()), 3);
        dimension("partsupp", new PartSupplierGenerator(settings.scale(), 1, 1),
                Math.round(800_000 * settings.scale()), 4);
        dimension("supplier", new SupplierGenerator(settings.scale(), 1, 1), Math.round(10_000 * settings.scale()), 5);
        dimension("nation", new NationGenerator(), 25, 6);
        dimension("region", new RegionGenerator(), 5, 7);
        try (OutputStream out = fs.create(new Path(landingRoot, "manifest.json"), true)) {
            JSON.writerWithDefaultPrettyPrinter().writeValue(out, manifest);
        }
        return manifest;
    }

    private Random random(int tableOrdinal) {
        return new Random(settings.seed() * 1_000_003L + tableOrdinal);
    }

    private boolean draw(Random random, Defect defect) {
        // Always draw, so that changing one rate does not shift every other decision.
        return random.nextDouble() < settings.rate(defect);
    }

    // ---- orders and line items: batched by order date, line items follow their order -------

    /** The batch (0-based) an order belongs to: TPC-H's order dates split into equal spans. */
    public static int orderBatch(LocalDate orderDate, int batches) {
        long day = orderDate.toEpochDay() - FIRST_ORDER_DATE.toEpochDay();
        return (int) Math.min(batches - 1, day * batches / ORDER_DAYS);
    }

    /** The batch (0-based) the {@code index}-th of {@code total} dimension rows belongs to: equal slices by key. */
    static int keyBatch(long index, long total, int batches) {
        return (int) Math.min(batches - 1, index * batches / Math.max(1, total));
    }

    private void ordersAndLineItems() throws IOException {
        long start = System.nanoTime();
        Manifest.TableEntry ordersEntry = table("orders");
        Manifest.TableEntry lineEntry = table("lineitem");
        Random random = random(1);
        // A stream of its own, so that turning late orders on changes no other defect.
        Random lateOrders = random(9);
        int batches = settings.batches();
        try (BatchFileWriter orders = tableWriter("orders");
             BatchFileWriter lines = tableWriter("lineitem")) {
            Iterator<LineItem> lineItems = new LineItemGenerator(settings.scale(), 1, 1).iterator();
            LineItem pending = lineItems.hasNext() ? lineItems.next() : null;
            long orderCount = 0;
            for (Order order : new OrderGenerator(settings.scale(), 1, 1)) {
                orderCount++;
                String orderLine = order.toLine();
                String[] of = fields(orderLine);
                int batch = orderBatch(LocalDate.parse(of[4]), batches);
                boolean late = draw(random, Defect.LATE) && batch < batches - 1;
                if (late) {
                    batch = batch + 1 + random.nextInt(batches - 1 - batch);
                }
                boolean lateOrder = draw(lateOrders, Defect.LATE_ORDER) && batch < batches - 1;
                int orderAt = lateOrder ? batch + 1 : batch;
                emitClean(orders, ordersEntry, orderAt, orderLine, random, late);
                if (lateOrder) {
                    batchEntry(ordersEntry, orderAt).count(Defect.LATE_ORDER);
                }
                orderDefects(orders, ordersEntry, batch, of, random);
                while (pending != null && pending.getOrderKey() == order.getOrderKey()) {
                    String line = pending.toLine();
                    emitClean(lines, lineEntry, batch, line, random, late);
                    lineItemDefects(lines, lineEntry, batch, fields(line), random);
                    pending = lineItems.hasNext() ? lineItems.next() : null;
                }
                if (orderCount % 500_000 == 0) {
                    LOG.info("generated {} orders and their line items", orderCount);
                }
            }
            wrongTypeFile(lines, lineEntry);
            recordFiles(ordersEntry, orders);
            recordFiles(lineEntry, lines);
        }
        LOG.info("orders: {} rows, lineitem: {} rows in {} ms", ordersEntry.cleanRows, lineEntry.cleanRows,
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Parquet's stand-in for garbled lines: a file of five new line items, in the last batch,
     * whose quantity is text. Bronze must refuse it whole.
     */
    private void wrongTypeFile(BatchFileWriter lines, Manifest.TableEntry entry) throws IOException {
        if (!draw(random(8), Defect.WRONG_TYPE_FILE) || !settings.format().carries(Defect.WRONG_TYPE_FILE)) {
            return;
        }
        int last = settings.batches() - 1;
        Manifest.BatchEntry be = batchEntry(entry, last);
        TpchColumns columns = TpchColumns.of("lineitem");
        try (RecordFile<String[]> file = lines.open(last, "lineitem-wrong-type.parquet",
                ParquetRecordFile.withTextColumns(columns, java.util.Set.of("l_quantity")))) {
            Iterator<LineItem> items = new LineItemGenerator(settings.scale(), 1, 1).iterator();
            for (int i = 0; i < 5 && items.hasNext(); i++) {
                String[] f = fields(items.next().toLine());
                f[3] = Long.toString(8 + invalidKeys++);
                file.write(f);
                be.lines++;
                be.count(Defect.WRONG_TYPE_FILE);
            }
        }
    }

    /** Writes a clean line and the defects that copy it: duplicates and replays. */
    private void emitClean(BatchFileWriter out, Manifest.TableEntry entry, int batch, String line, Random random,
                           boolean late) {
        Manifest.BatchEntry be = batchEntry(entry, batch);
        out.write(batch, line);
        be.lines++;
        be.cleanRows++;
        entry.cleanRows++;
        if (late) {
            be.count(Defect.LATE);
        }
        if (draw(random, Defect.DUPLICATE)) {
            out.write(batch, line);
            be.lines++;
            be.count(Defect.DUPLICATE);
        }
        boolean replay = draw(random, Defect.REPLAY);
        int later = settings.batches() - 1 - batch;
        int offset = later > 0 ? 1 + random.nextInt(later) : 0;
        if (replay && later > 0) {
            Manifest.BatchEntry target = batchEntry(entry, batch + offset);
            out.write(batch + offset, line);
            target.lines++;
            target.count(Defect.REPLAY);
        }
    }

    private void orderDefects(BatchFileWriter out, Manifest.TableEntry entry, int batch, String[] clean, Random random) {
        if (draw(random, Defect.NULL_REQUIRED)) {
            String[] f = clean.clone();
            f[0] = Long.toString(INVALID_KEY_BASE + invalidKeys++);
            f[1] = "";
            extra(out, entry, batch, join(f), Defect.NULL_REQUIRED);
        }
        if (draw(random, Defect.ORDERDATE_OUT_OF_RANGE)) {
            String[] f = clean.clone();
            f[0] = Long.toString(INVALID_KEY_BASE + invalidKeys++);
            f[4] = random.nextBoolean() ? "2031-06-15" : "1987-03-02";
            extra(out, entry, batch, join(f), Defect.ORDERDATE_OUT_OF_RANGE);
        }
        unparseable(out, entry, batch, clean, 4, 3, random);
    }

    private void lineItemDefects(BatchFileWriter out, Manifest.TableEntry entry, int batch, String[] clean,
                                 Random random) {
        // Rule violations get new line numbers (TPC-H uses 1..7), so their keys are new.
        if (draw(random, Defect.NULL_REQUIRED)) {
            String[] f = clean.clone();
            f[3] = Long.toString(8 + invalidKeys++);
            f[10] = "";
            extra(out, entry, batch, join(f), Defect.NULL_REQUIRED);
        }
        if (draw(random, Defect.NEGATIVE_QUANTITY)) {
            String[] f = clean.clone();
            f[3] = Long.toString(8 + invalidKeys++);
            f[4] = "-" + f[4];
            extra(out, entry, batch, join(f), Defect.NEGATIVE_QUANTITY);
        }
        if (draw(random, Defect.DISCOUNT_OUT_OF_RANGE)) {
            String[] f = clean.clone();
            f[3] = Long.toString(8 + invalidKeys++);
            f[6] = "0.25";
            extra(out, entry, batch, join(f), Defect.DISCOUNT_OUT_OF_RANGE);
        }
        if (draw(random, Defect.ORPHAN)) {
            String[] f = clean.clone();
            f[0] = Long.toString(ORPHAN_ORDER_KEY_BASE + invalidKeys++);
            f[3] = "1";
            extra(out, entry, batch, join(f), Defect.ORPHAN);
        }
        unparseable(out, entry, batch, clean, 10, 4, random);
    }

    /** Lines that bronze cannot parse: a field missing, a number or a date that is not one. */
    private void unparseable(BatchFileWriter out, Manifest.TableEntry entry, int batch, String[] clean,
                             int dateField, int numberField, Random random) {
        if (draw(random, Defect.BAD_FIELD_COUNT)) {
            String[] f = java.util.Arrays.copyOf(clean, clean.length - 1);
            extra(out, entry, batch, join(f), Defect.BAD_FIELD_COUNT);
        }
        if (draw(random, Defect.BAD_NUMBER)) {
            String[] f = clean.clone();
            f[numberField] = f[numberField].replace('0', 'O') + "x";
            extra(out, entry, batch, join(f), Defect.BAD_NUMBER);
        }
        if (draw(random, Defect.BAD_DATE)) {
            String[] f = clean.clone();
            f[dateField] = f[dateField].substring(0, 5) + "13-45";
            extra(out, entry, batch, join(f), Defect.BAD_DATE);
        }
    }

    private void extra(BatchFileWriter out, Manifest.TableEntry entry, int batch, String line,
                       Defect defect) {
        if (!settings.format().carries(defect)) {
            return;
        }
        out.write(batch, line);
        Manifest.BatchEntry be = batchEntry(entry, batch);
        be.lines++;
        be.count(defect);
    }

    // ---- customers: a change feed --------------------------------------------------------

    /**
     * Customers as change events. Most are a single insert of the final row; some are inserted
     * with older values and updated later; some get a stale update that arrives after a newer one;
     * some are deleted and re-inserted. Applying the clean events in sequence order yields exactly
     * TPC-H's customer table.
     */
    private void customers() throws IOException {
        Manifest.TableEntry entry = table("customer");
        Random random = random(2);
        int batches = settings.batches();
        long total = Math.round(150_000 * settings.scale());
        LandingFormat format = settings.format();
        RecordFile.Opener<String> events = format == LandingFormat.JSON ? RecordFile.Text.jsonArray()
                : RecordFile.Text.lines(null);
        try (BatchFileWriter out = new BatchFileWriter(fs, landingRoot, "customer", format.eventExtension(),
                settings, events)) {
            long index = 0;
            for (Customer c : new CustomerGenerator(settings.scale(), 1, 1)) {
                int batch = keyBatch(index++, total, batches);
                int next = Math.min(batch + 1, batches - 1);
                long seq = c.getCustomerKey() * 10;
                double story = random.nextDouble();
                ObjectNode finalImage = image(c, 0);
                entry.cleanRows++;
                if (story < 0.10) {
                    ObjectNode old = image(c, 1);
                    event(out, entry, batch, "c", seq + 1, null, old, random);
                    event(out, entry, next, "u", seq + 2, old, finalImage, random);
                } else if (story < 0.13) {
                    // The stale update (seq+2) is written after the newer one (seq+3), in a later batch.
                    ObjectNode old = image(c, 1);
                    ObjectNode stale = image(c, 2);
                    event(out, entry, batch, "c", seq + 1, null, old, random);
                    event(out, entry, next, "u", seq + 3, stale, finalImage, random);
                    event(out, entry, batches - 1, "u", seq + 2, old, stale, random);
                    batchEntry(entry, batches - 1).event("out_of_order");
                } else if (story < 0.15) {
                    ObjectNode old = image(c, 1);
                    event(out, entry, batch, "c", seq + 1, null, old, random);
                    event(out, entry, batch, "d", seq + 2, old, null, random);
                    event(out, entry, next, "c", seq + 3, null, finalImage, random);
                } else {
                    event(out, entry, batch, "c", seq + 1, null, finalImage, random);
                }
                if (draw(random, Defect.MALFORMED_PHONE)) {
                    ObjectNode bad = image(c, 0);
                    long key = INVALID_KEY_BASE + invalidKeys++;
                    bad.put("c_custkey", key);
                    bad.put("c_phone", "call-me-" + c.getCustomerKey());
                    extra(out, entry, batch, eventLine("c", key * 10 + 1, null, bad), Defect.MALFORMED_PHONE);
                }
                if (draw(random, Defect.NULL_REQUIRED)) {
                    ObjectNode bad = image(c, 0);
                    long key = INVALID_KEY_BASE + invalidKeys++;
                    bad.put("c_custkey", key);
                    bad.putNull("c_name");
                    extra(out, entry, batch, eventLine("c", key * 10 + 1, null, bad), Defect.NULL_REQUIRED);
                }
                if (draw(random, Defect.BROKEN_JSON)) {
                    String line = eventLine("c", seq + 9, null, finalImage);
                    extra(out, entry, batch, line.substring(0, line.length() / 2), Defect.BROKEN_JSON);
                }
            }
            recordFiles(entry, out);
        }
    }

    /** The customer's row as an after/before image; {@code version > 0} gives an older variant. */
    private static ObjectNode image(Customer c, int version) {
        ObjectNode n = JSON.createObjectNode();
        n.put("c_custkey", c.getCustomerKey());
        n.put("c_name", c.getName());
        n.put("c_address", version == 0 ? c.getAddress() : c.getAddress() + " (old " + version + ")");
        n.put("c_nationkey", c.getNationKey());
        n.put("c_phone", c.getPhone());
        n.put("c_acctbal", BigDecimal.valueOf(c.getAccountBalanceInCents() - version * 10_000L, 2));
        n.put("c_mktsegment", c.getMarketSegment());
        n.put("c_comment", c.getComment());
        return n;
    }

    private void event(BatchFileWriter out, Manifest.TableEntry entry, int batch, String op, long seq,
                       ObjectNode before, ObjectNode after, Random random) {
        Manifest.BatchEntry be = batchEntry(entry, batch);
        boolean drift = batch >= 1 && draw(random, Defect.SCHEMA_DRIFT);
        ObjectNode b = before == null ? null : drift ? withDrift(before) : before;
        ObjectNode a = after == null ? null : drift ? withDrift(after) : after;
        String line = eventLine(op, seq, b, a);
        out.write(batch, line);
        be.lines++;
        be.cleanRows++;
        be.event(op);
        if (drift) {
            be.count(Defect.SCHEMA_DRIFT);
        }
        if (draw(random, Defect.DUPLICATE)) {
            out.write(batch, line);
            be.lines++;
            be.count(Defect.DUPLICATE);
        }
        if (draw(random, Defect.REPLAY) && batch < settings.batches() - 1) {
            out.write(settings.batches() - 1, line);
            Manifest.BatchEntry last = batchEntry(entry, settings.batches() - 1);
            last.lines++;
            last.count(Defect.REPLAY);
        }
    }

    private static ObjectNode withDrift(ObjectNode image) {
        ObjectNode copy = image.deepCopy();
        String[] tiers = {"bronze", "silver", "gold"};
        copy.put(DRIFT_COLUMN, tiers[(int) (image.get("c_custkey").asLong() % 3)]);
        return copy;
    }

    private static String eventLine(String op, long seq, ObjectNode before, ObjectNode after) {
        ObjectNode e = JSON.createObjectNode();
        e.put("op", op);
        e.put("seq", seq);
        e.set("before", before);
        e.set("after", after);
        try {
            return JSON.writeValueAsString(e);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    // ---- dimensions: split by key into the batches ------------------------------------------

    private <T extends TpchEntity> void dimension(String name, Iterable<T> rows, long total, int ordinal)
            throws IOException {
        Manifest.TableEntry entry = table(name);
        Random random = random(ordinal);
        // Reference tables are tiny and arrive whole in the first batch.
        int batches = total <= 25 ? 1 : settings.batches();
        try (BatchFileWriter out = tableWriter(name)) {
            long index = 0;
            for (T row : rows) {
                int batch = (int) Math.min(batches - 1, index++ * batches / Math.max(1, total));
                if (batches == 1) {
                    Manifest.BatchEntry be = batchEntry(entry, batch);
                    out.write(batch, row.toLine());
                    be.lines++;
                    be.cleanRows++;
                    entry.cleanRows++;
                } else {
                    emitClean(out, entry, batch, row.toLine(), random, false);
                }
            }
            recordFiles(entry, out);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private Manifest.TableEntry table(String name) {
        return manifest.tables.computeIfAbsent(name, n -> new Manifest.TableEntry());
    }

    private Manifest.BatchEntry batchEntry(Manifest.TableEntry entry, int batch) {
        return entry.batch(settings.batchDate(batch).toString());
    }

    /**
     * A table's files in the chosen format. The generator works with dbgen lines throughout; they
     * are encoded as the format's records only when written.
     */
    private BatchFileWriter tableWriter(String table) {
        LandingFormat format = settings.format();
        TpchColumns columns = TpchColumns.of(table);
        RecordFile.Opener<String> opener = switch (format) {
            case DELIMITED -> RecordFile.Text.lines(null);
            case CSV -> RecordFile.map(RecordFile.Text.lines(columns.csvHeader()),
                    line -> TpchColumns.csv(fields(line)));
            case JSON -> RecordFile.map(RecordFile.Text.jsonArray(), line -> columns.json(fields(line)));
            case PARQUET -> RecordFile.map(ParquetRecordFile.opener(columns), TpchLandingGenerator::fields);
        };
        return new BatchFileWriter(fs, landingRoot, table, format.extension(), settings, opener);
    }

    private void recordFiles(Manifest.TableEntry entry, BatchFileWriter out) {
        for (String file : out.files()) {
            String date = file.split("/")[1];
            entry.batch(date).files.add(file);
        }
    }

    /** dbgen fields: the line without its trailing '|', split on '|'. */
    static String[] fields(String line) {
        String body = line.endsWith("|") ? line.substring(0, line.length() - 1) : line;
        return body.split("\\|", -1);
    }

    static String join(String[] fields) {
        return String.join("|", fields) + "|";
    }
}
