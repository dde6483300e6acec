package io.medallion.jobs.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trino.tpch.Customer;
import io.trino.tpch.CustomerGenerator;
import io.trino.tpch.LineItemGenerator;
import io.trino.tpch.NationGenerator;
import io.trino.tpch.OrderGenerator;
import io.trino.tpch.PartGenerator;
import io.trino.tpch.PartSupplierGenerator;
import io.trino.tpch.RegionGenerator;
import io.trino.tpch.SupplierGenerator;
import io.trino.tpch.TpchEntity;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator against an independent reading of io.trino.tpch: removing exactly the defect
 * lines the manifest counts gives back TPC-H's tables, and the output is deterministic.
 */
class TpchLandingGeneratorTest {
    private static final double SCALE = 0.01;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    @TempDir
    static Path dir;
    static Path landing;
    static JsonNode manifest;

    @BeforeAll
    static void generate() throws IOException {
        landing = dir.resolve("a");
        generateInto(landing, GeneratorSettings.defaults());
        manifest = JSON.readTree(landing.resolve("manifest.json").toFile());
    }

    private static void generateInto(Path target, GeneratorSettings settings) throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        new TpchLandingGenerator(settings, fs, new org.apache.hadoop.fs.Path(target.toUri())).generate();
    }

    private static List<String> lines(String table) throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(landing.resolve(table))) {
            for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList()) {
                all.addAll(Files.readAllLines(f));
            }
        }
        return all;
    }

    private static long defects(String table, String... kinds) {
        long sum = 0;
        for (JsonNode batch : manifest.get("tables").get(table).get("batches")) {
            for (String kind : kinds) {
                sum += batch.path("defects").path(kind).asLong(0);
            }
        }
        return sum;
    }

    private static Map<String, Integer> counts(Iterable<? extends TpchEntity> rows) {
        Map<String, Integer> counts = new HashMap<>();
        rows.forEach(r -> counts.merge(r.toLine(), 1, Integer::sum));
        return counts;
    }

    /** Checks a delimited table: clean lines are exactly TPC-H's, the rest are the counted defects. */
    private static Map<String, Long> checkDelimited(String table, Iterable<? extends TpchEntity> tpch, long expectedRows)
            throws IOException {
        Map<String, Integer> expected = counts(tpch);
        assertThat(expected.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(expectedRows);
        Map<String, Integer> seen = new HashMap<>();
        List<String> others = new ArrayList<>();
        for (String line : lines(table)) {
            if (expected.containsKey(line)) {
                seen.merge(line, 1, Integer::sum);
            } else {
                others.add(line);
            }
        }
        assertThat(seen.keySet()).as("every clean %s row is in the landing files", table).isEqualTo(expected.keySet());
        long extraCopies = seen.values().stream().mapToLong(n -> n - 1).sum();
        assertThat(extraCopies).as("%s copies beyond the first = duplicates + replays", table)
                .isEqualTo(defects(table, "duplicate", "replay"));
        assertThat(manifest.get("tables").get(table).get("clean_rows").asLong()).isEqualTo(expectedRows);
        long manifestLines = 0;
        for (JsonNode batch : manifest.get("tables").get(table).get("batches")) {
            manifestLines += batch.get("lines").asLong();
        }
        assertThat(manifestLines).isEqualTo(lines(table).size());
        Map<String, Long> kinds = new TreeMap<>();
        for (String line : others) {
            kinds.merge(classify(table, line), 1L, Long::sum);
        }
        return kinds;
    }

    /** Independently of the generator: why a non-clean line is not clean. */
    private static String classify(String table, String line) {
        String[] f = TpchLandingGenerator.fields(line);
        int width = table.equals("lineitem") ? 16 : 9;
        if (f.length != width) {
            return "unparseable";
        }
        try {
            Long.parseLong(f[0]);
            new BigDecimal(table.equals("lineitem") ? f[4] : f[3]);
            LocalDate.parse(table.equals("lineitem") ? f[10].isEmpty() ? "2000-01-01" : f[10] : f[4]);
        } catch (RuntimeException e) {
            return "unparseable";
        }
        long key = Long.parseLong(f[0]);
        if (table.equals("lineitem") && key >= TpchLandingGenerator.ORPHAN_ORDER_KEY_BASE
                && key < TpchLandingGenerator.INVALID_KEY_BASE) {
            return "orphan";
        }
        return "rule_violation";
    }

    @Test
    void lineItemsAreTpchPlusTheCountedDefects() throws IOException {
        Map<String, Long> kinds = checkDelimited("lineitem", new LineItemGenerator(SCALE, 1, 1), 60_175);
        assertThat(kinds.get("unparseable")).isEqualTo(defects("lineitem", "bad_field_count", "bad_number", "bad_date"));
        assertThat(kinds.get("orphan")).isEqualTo(defects("lineitem", "orphan"));
        assertThat(kinds.get("rule_violation"))
                .isEqualTo(defects("lineitem", "null_required", "negative_quantity", "discount_out_of_range"));
        assertThat(kinds.values()).allMatch(n -> n > 0);
    }

    @Test
    void ordersAreTpchPlusTheCountedDefects() throws IOException {
        Map<String, Long> kinds = checkDelimited("orders", new OrderGenerator(SCALE, 1, 1), 15_000);
        assertThat(kinds.get("unparseable")).isEqualTo(defects("orders", "bad_field_count", "bad_number", "bad_date"));
        assertThat(kinds.get("rule_violation")).isEqualTo(defects("orders", "null_required", "orderdate_out_of_range"));
        assertThat(defects("orders", "late")).isPositive();
    }

    @Test
    void dimensionsAreTpchPlusTheCountedDefects() throws IOException {
        assertThat(checkDelimited("part", new PartGenerator(SCALE, 1, 1), 2_000)).isEmpty();
        assertThat(checkDelimited("partsupp", new PartSupplierGenerator(SCALE, 1, 1), 8_000)).isEmpty();
        assertThat(checkDelimited("supplier", new SupplierGenerator(SCALE, 1, 1), 100)).isEmpty();
        assertThat(checkDelimited("nation", new NationGenerator(), 25)).isEmpty();
        assertThat(checkDelimited("region", new RegionGenerator(), 5)).isEmpty();
    }

    @Test
    void customerEventsAppliedInSequenceOrderYieldTpchCustomers() throws IOException {
        List<String> lines = lines("customer");
        long broken = 0;
        long invalid = 0;
        long outOfOrder = 0;
        Map<String, Integer> copies = new HashMap<>();
        Map<Long, List<JsonNode>> eventsByKey = new HashMap<>();
        Map<Long, Long> maxSeqSeen = new HashMap<>();
        for (String line : lines) {
            JsonNode e;
            try {
                e = JSON.readTree(line);
            } catch (IOException ex) {
                broken++;
                continue;
            }
            if (copies.merge(line, 1, Integer::sum) > 1) {
                continue; // an exact copy: duplicate or replay
            }
            JsonNode image = e.get("op").asText().equals("d") ? e.get("before") : e.get("after");
            long key = image.get("c_custkey").asLong();
            if (key >= TpchLandingGenerator.INVALID_KEY_BASE) {
                invalid++;
                continue;
            }
            long seq = e.get("seq").asLong();
            if (seq < maxSeqSeen.getOrDefault(key, Long.MIN_VALUE)) {
                outOfOrder++;
            }
            maxSeqSeen.merge(key, seq, Math::max);
            eventsByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }
        long copiesBeyondFirst = copies.values().stream().mapToLong(n -> n - 1).sum();
        assertThat(copiesBeyondFirst).isEqualTo(defects("customer", "duplicate", "replay"));
        assertThat(broken).isEqualTo(defects("customer", "broken_json"));
        assertThat(invalid).isEqualTo(defects("customer", "malformed_phone", "null_required"));
        assertThat(outOfOrder).as("stale updates arrive after newer ones").isPositive();

        Map<Long, JsonNode> table = new HashMap<>();
        long deletes = 0;
        for (Map.Entry<Long, List<JsonNode>> k : eventsByKey.entrySet()) {
            List<JsonNode> events = new ArrayList<>(k.getValue());
            events.sort((a, b) -> Long.compare(a.get("seq").asLong(), b.get("seq").asLong()));
            for (JsonNode e : events) {
                if (e.get("op").asText().equals("d")) {
                    table.remove(k.getKey());
                    deletes++;
                } else {
                    ObjectNode after = e.get("after").deepCopy();
                    after.remove(TpchLandingGenerator.DRIFT_COLUMN);
                    table.put(k.getKey(), after);
                }
            }
        }
        assertThat(deletes).as("some customers are deleted and re-inserted").isPositive();
        Map<Long, String> expected = new HashMap<>();
        for (Customer c : new CustomerGenerator(SCALE, 1, 1)) {
            expected.put(c.getCustomerKey(), String.join("|", String.valueOf(c.getCustomerKey()), c.getName(),
                    c.getAddress(), String.valueOf(c.getNationKey()), c.getPhone(),
                    BigDecimal.valueOf(c.getAccountBalanceInCents(), 2).toPlainString(), c.getMarketSegment(),
                    c.getComment()));
        }
        Map<Long, String> actual = new HashMap<>();
        table.forEach((key, r) -> actual.put(key, String.join("|", r.get("c_custkey").asText(), r.get("c_name").asText(),
                r.get("c_address").asText(), r.get("c_nationkey").asText(), r.get("c_phone").asText(),
                r.get("c_acctbal").decimalValue().toPlainString(), r.get("c_mktsegment").asText(),
                r.get("c_comment").asText())));
        List<String> differences = new ArrayList<>();
        expected.forEach((key, row) -> {
            if (!row.equals(actual.get(key))) {
                differences.add("expected " + row + " but was " + actual.get(key));
            }
        });
        assertThat(differences).as("customers that differ from TPC-H").isEmpty();
        assertThat(actual).hasSize(1_500);
        assertThat(defects("customer", "schema_drift")).isPositive();
    }

    @Test
    void theSameSeedGivesByteIdenticalOutputAndAnotherSeedDoesNot() throws IOException {
        Path again = dir.resolve("b");
        generateInto(again, GeneratorSettings.defaults());
        assertThat(snapshot(again)).isEqualTo(snapshot(landing));

        Path other = dir.resolve("c");
        GeneratorSettings d = GeneratorSettings.defaults();
        generateInto(other, new GeneratorSettings(d.scale(), d.batches(), 7, d.startDate(), Map.of(), d.rowsPerFile(),
                d.format()));
        assertThat(snapshot(other)).isNotEqualTo(snapshot(landing));
    }

    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path f : walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .toList()) {
                files.put(root.relativize(f).toString(), Files.readString(f));
            }
        }
        return files;
    }

    @Test
    void cleanSettingsInjectNoDefects() throws IOException {
        Path clean = dir.resolve("clean");
        Map<Defect, Double> none = new java.util.EnumMap<>(Defect.class);
        for (Defect d : Defect.values()) {
            none.put(d, 0.0);
        }
        generateInto(clean, new GeneratorSettings(SCALE, 2, 1, LocalDate.of(2024, 1, 1), none, 250_000,
                LandingFormat.DELIMITED));
        JsonNode m = JSON.readTree(clean.resolve("manifest.json").toFile());
        for (JsonNode table : m.get("tables")) {
            for (JsonNode batch : table.get("batches")) {
                assertThat(batch.path("defects").size()).isZero();
            }
        }
        try (Stream<Path> files = Files.walk(clean.resolve("lineitem"))) {
            long lines = 0;
            for (Path f : files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".tbl")).toList()) {
                lines += Files.readAllLines(f).size();
            }
            assertThat(lines).isEqualTo(60_175);
        }
    }
}
