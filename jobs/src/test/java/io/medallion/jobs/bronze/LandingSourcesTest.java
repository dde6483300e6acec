package io.medallion.jobs.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.config.TableSpec;
import io.medallion.jobs.silver.SilverJob;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import io.medallion.testing.TestSpark;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Landing data shaped as users have it, not as our generator writes it, through bronze and
 * silver in the test JVM's session: a CSV with a header and quoted commas (one file gzipped), a
 * CSV of dates like {@code Jan 1 2000} in Hive folders, a JSON array of movies with a field named
 * {@code "US Gross"} in a flat layout with subfolders and one truncated file, booleans and local
 * timestamps in their own words, and a table whose every row is bad. The spec is kept outside
 * {@code conf/pipelines}, and finds the default overlay through {@code MEDALLION_HOME}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LandingSourcesTest {
    private static final LocalDate DAY1 = LocalDate.parse("2024-01-01");
    private static final LocalDate DAY2 = LocalDate.parse("2024-01-02");

    @TempDir
    static Path dir;
    SparkSession spark;
    PipelineSpec spec;
    String lake;
    Path landing;

    @BeforeAll
    void setUp() throws IOException {
        spark = TestSpark.session();
        lake = dir.resolve("lake").toString();
        landing = dir.resolve("landing");
        Files.createDirectories(dir.resolve("home/conf/env"));
        Files.writeString(dir.resolve("home/conf/env/local.yaml"), "spark: {profile: local}\n");
        Path file = dir.resolve("specs/mine.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                storage: {lake_root: %s, landing_root: %s}
                tables:
                  airports:
                    source: {format: csv, path: airports}
                    schema:
                      - {name: iata, type: string, required: true}
                      - {name: airport, type: string, required: true}
                      - {name: city, type: string}
                      - {name: lat, type: "decimal(9,6)"}
                    key: [iata]
                  stocks:
                    source: {format: csv, path: stocks, layout: hive, partition_key: dt}
                    schema:
                      - {name: symbol, type: string, required: true}
                      - {name: day, from: date, type: date, format: MMM d yyyy, required: true}
                      - {name: price, type: double}
                    key: [symbol, day]
                    quarantine: {max_rate: 0.5}
                  movies:
                    source: {format: json, path: movies, layout: flat, glob: "**/*.json"}
                    schema:
                      - {name: title, from: Title, type: string, required: true}
                      - {name: us_gross, from: US Gross, type: bigint}
                      - {name: rating, from: IMDB Rating, type: double}
                      - {name: city, from: studio.city, type: string}
                    key: [title]
                  flags:
                    source: {format: csv, path: flags, options: {delimiter: ";"}}
                    schema:
                      - {name: id, type: int, required: true}
                      - {name: active, type: boolean, true_values: ['yes', Y], false_values: ['no', N]}
                      - {name: seen, type: timestamp, format: dd/MM/yyyy HH:mm, timezone: Europe/Paris}
                    key: [id]
                    quarantine: {max_rate: 0.5}
                  strict:
                    source: {format: csv, path: strict}
                    schema: [{name: id, type: int, required: true}, {name: v, type: string}]
                    key: [id]
                  pq:
                    source: {format: parquet, path: pq}
                    schema:
                      - {name: id, type: bigint, required: true}
                      - {name: amount, type: "decimal(12,2)"}
                      - {name: score, type: double}
                      - {name: label, from: Label Text, type: string}
                    key: [id]
                  orcs:
                    source: {format: orc, path: orcs}
                    schema: [{name: id, type: bigint, required: true}, {name: score, type: double}]
                    key: [id]
                  avros:
                    source: {format: avro, path: avros}
                    schema: [{name: id, type: bigint, required: true}, {name: score, type: double}]
                    key: [id]
                  lenient:
                    source: {format: csv, path: lenient}
                    schema: [{name: id, type: int, required: true}, {name: v, type: string}]
                    key: [id]
                    quarantine: {max_rate: 1}
                """.formatted(lake, landing));
        spec = new PipelineSpecLoader(Map.of("MEDALLION_HOME", dir.resolve("home").toString()), dir.resolve("specs"))
                .load(file, "local");

        write("airports/2024-01-01/airports.csv", """
                iata,airport,city,lat
                JFK,John F Kennedy Intl,New York,40.639751
                TOI,"Union County, Troy",Troy,31.860000
                "ABC","An ""odd"" name",,1.5
                """);
        gzip("airports/2024-01-01/more.csv.gz", "city,iata,airport,lat\r\nBoston,BOS,General Edward Lawrence Logan Intl,42.364347\r\n");
        write("stocks/dt=2024-01-01/prices.csv", "symbol,date,price\nMSFT,Jan 1 2000,39.81\nMSFT,Feb 29 2000,36.35\nIBM,Jan 1 2000,100.52\n"
                + "IBM,Feb 30 2000,1\n");
        write("movies/2023/a.json", """
                [{"Title": "First Film", "US Gross": 146083, "IMDB Rating": 6, "studio": {"city": "Burbank"}},
                 {"Title": "Second Film", "US Gross": null, "IMDB Rating": 7.5, "Genre": "Drama"}]
                """);
        write("movies/2024/deep/b.json", "[{\"Title\": \"Third Film\", \"US Gross\": 10, \"IMDB Rating\": 8.1}]\n");
        write("movies/2024/broken.json", "[{\"Title\": \"Lost\"}, {\"Title\": \"Cut of");
        write("movies/notes.txt", "not a match for the glob\n");
        write("flags/2024-01-01/f.csv", "id;active;seen\n1;yes;31/01/2024 10:30\n2;N;01/07/2024 00:00\n3;maybe;\n");
        write("strict/2024-01-01/s.csv", "id,v\nx,a\ny,b\n");
        write("lenient/2024-01-01/l.csv", "id,v\nx,a\ny,b\n");
    }

    /** One typed file at {@code relative}, written by Spark from {@code sql}. */
    private void typedFile(String format, String relative, String sql) throws IOException {
        Path out = dir.resolve("spark-out-" + relative.replace('/', '-'));
        spark.sql(sql).coalesce(1).write().format(format).save(out.toString());
        Path part;
        try (var files = Files.list(out)) {
            part = files.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
        }
        Path target = landing.resolve(relative);
        Files.createDirectories(target.getParent());
        Files.copy(part, target);
    }

    @Test
    void typedFilesKeepTheirTypesWidenSafelyAndAreRefusedWholeOtherwise() throws IOException {
        String good = "SELECT CAST(id AS INT) AS id, CAST(id * 1.25 AS DECIMAL(10,2)) AS amount, CAST(id AS FLOAT) AS score,"
                + " concat('row ', id) AS `Label Text`, 'extra' AS note FROM range(1, 6)";
        typedFile("parquet", "pq/2024-01-01/good.parquet", good);
        typedFile("parquet", "pq/2024-01-01/wrong.parquet", "SELECT id, CAST(id AS STRING) AS amount FROM range(10, 12)");
        typedFile("parquet", "pq/2024-01-01/cut.parquet", good.replace("range(1, 6)", "range(20, 30)"));
        Path cut = landing.resolve("pq/2024-01-01/cut.parquet");
        byte[] bytes = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        typedFile("orc", "orcs/2024-01-01/a.orc", "SELECT id, CAST(id AS FLOAT) AS score FROM range(1, 4)");
        typedFile("avro", "avros/2024-01-01/a.avro", "SELECT id, CAST(id AS FLOAT) AS score FROM range(1, 4)");

        assertThat(run(new BronzeIngestJob(), DAY1, "pq", "orcs", "avros")).isEqualTo(ExitCode.FAILED);
        Row refusal = spark.read().format("delta").load(lake + "/ops/runs")
                .where("job = 'bronze' AND table_name = 'pq' AND status <> 'running'").select("message").first();
        assertThat(refusal.getString(0)).contains("wrong.parquet: column amount is string, declared decimal(12,2)")
                .contains("cut.parquet: cannot be read as parquet: ")
                .doesNotContain("Job aborted");
        assertThat(bronze("pq").count()).isEqualTo(5);
        assertThat(bronze("pq").schema().apply("amount").dataType().simpleString()).isEqualTo("decimal(12,2)");
        assertThat(bronze("pq").orderBy("_source_line").select("_source_line", "id", "_rescued").first().toString())
                .isEqualTo("[1,1,{\"note\":\"extra\"}]");

        assertThat(run(new SilverJob(), DAY1, "pq", "orcs", "avros")).isEqualTo(ExitCode.OK);
        assertThat(silver("pq").orderBy("id").select("id", "amount", "score", "label").collectAsList())
                .extracting(Row::toString).startsWith("[1,1.25,1.0,row 1]", "[2,2.50,2.0,row 2]").hasSize(5);
        assertThat(silver("orcs").count()).isEqualTo(3);
        assertThat(silver("avros").selectExpr("sum(score)").first().getDouble(0)).isEqualTo(6.0);
    }

    /**
     * {@code infer} on the airports (CSV, one file gzipped), a JSON array with nested objects and
     * spaces in names, and a nested Parquet folder: after bronze and silver, every row.
     */
    @Test
    void anInferredSpecTakesEveryRow() throws IOException {
        typedFile("parquet", "items/2024-01-01/items.parquet", "SELECT id, named_struct('city', concat('c', id)) AS addr,"
                + " CAST(id AS DECIMAL(6,1)) AS `Unit Price` FROM range(7)");
        write("reviews/2024-01-01/r.json", """
                [{"Review Id": 1, "stars": 4.5, "by": {"name": "Ann", "city": "Oslo"}, "day": "2024-01-01"},
                 {"Review Id": 2, "stars": 3, "by": {"name": "Bo"}, "day": "2024-01-02"}]
                """);
        String lake2 = dir.resolve("lake-inferred").toString();
        for (String table : List.of("airports", "items", "reviews")) {
            String yaml = new io.medallion.jobs.bronze.source.SpecInference(new org.apache.hadoop.conf.Configuration(), 5,
                    10_000).infer(landing.resolve(table).toString(), null, null, () -> spark);
            Path file = dir.resolve("inferred/" + table + ".yaml");
            Files.createDirectories(file.getParent());
            Files.writeString(file, yaml);
            PipelineSpec inferred = new PipelineSpecLoader(Map.of("MEDALLION_LAKE_ROOT", lake2,
                    "MEDALLION_HOME", dir.resolve("home").toString()), dir).load(file, "local");
            List<TableSpec> tables = List.copyOf(inferred.tables().values());
            assertThat(new JobRunner(inferred).runIn(spark, new BronzeIngestJob(), tables, DAY1)).isEqualTo(ExitCode.OK);
            assertThat(new JobRunner(inferred).runIn(spark, new SilverJob(), tables, DAY1)).isEqualTo(ExitCode.OK);
        }
        Dataset<Row> airports = spark.read().format("delta").load(lake2 + "/silver/airports");
        assertThat(airports.count()).isEqualTo(4);
        assertThat(airports.where("iata = 'TOI'").select("airport").first().getString(0)).isEqualTo("Union County, Troy");
        Dataset<Row> items = spark.read().format("delta").load(lake2 + "/silver/items");
        assertThat(items.count()).isEqualTo(7);
        assertThat(items.where("id = 3").select("addr_city", "unit_price").first().toString()).isEqualTo("[c3,3.0]");
        Dataset<Row> reviews = spark.read().format("delta").load(lake2 + "/silver/reviews");
        assertThat(reviews.orderBy("review_id").select("review_id", "stars", "by_name", "by_city", "day")
                .collectAsList()).extracting(Row::toString).containsExactly("[1,4.5,Ann,Oslo,2024-01-01]",
                "[2,3.0,Bo,null,2024-01-02]");
    }

    private void write(String relative, String text) throws IOException {
        Path file = landing.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private void gzip(String relative, String text) throws IOException {
        Path file = landing.resolve(relative);
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private int run(io.medallion.run.Job job, LocalDate day, String... tables) {
        List<TableSpec> selected = tables.length == 0 ? List.copyOf(spec.tables().values())
                : java.util.Arrays.stream(tables).map(t -> spec.tables().get(t)).toList();
        return new JobRunner(spec).runIn(spark, job, selected, day);
    }

    private Dataset<Row> silver(String table) {
        return spark.read().format("delta").load(lake + "/silver/" + table);
    }

    private Dataset<Row> bronze(String table) {
        return spark.read().format("delta").load(lake + "/bronze/" + table);
    }

    @Test
    void everyRowArrivesTypedFromEachSourceAndARefusedFileStopsNothingElse() throws IOException {
        // The truncated JSON array refuses its file, whole: exit 1, and every other file is ingested.
        assertThat(run(new BronzeIngestJob(), DAY1)).isEqualTo(ExitCode.FAILED);
        assertThat(bronze("movies").where("_source_file LIKE '%broken.json'").count()).isZero();
        assertThat(bronze("movies").count()).isEqualTo(3);
        Row refusal = spark.read().format("delta").load(lake + "/ops/runs")
                .where("job = 'bronze' AND table_name = 'movies' AND status <> 'running'").select("status", "message").first();
        assertThat(refusal.getString(0)).isEqualTo("failed");
        assertThat(refusal.getString(1)).contains("broken.json: not valid JSON at line 1");

        int silverExit = run(new SilverJob(), DAY1, "airports", "stocks", "movies", "flags");
        assertThat(silverExit).isEqualTo(ExitCode.OK);
        assertThat(silver("airports").orderBy("iata").select("iata", "airport", "city", "lat").collectAsList()).extracting(Row::toString).containsExactly(
                "[ABC,An \"odd\" name,null,1.500000]", "[BOS,General Edward Lawrence Logan Intl,Boston,42.364347]",
                "[JFK,John F Kennedy Intl,New York,40.639751]", "[TOI,Union County, Troy,Troy,31.860000]");

        List<Row> stocks = silver("stocks").orderBy("symbol", "day").select("symbol", "day", "price").collectAsList();
        assertThat(stocks).extracting(Row::toString).containsExactly("[IBM,2000-01-01,100.52]",
                "[MSFT,2000-01-01,39.81]", "[MSFT,2000-02-29,36.35]");
        assertThat(bronze("stocks").where("_parse_error IS NOT NULL").select("_parse_error", "_batch_date")
                .first().toString()).isEqualTo("[day: not a date in the format 'MMM d yyyy': 'Feb 30 2000',2024-01-01]");

        // Flat layout: the batch date is the run's, and the glob reached the subfolders only for .json.
        assertThat(silver("movies").orderBy("title").select("title", "us_gross", "rating", "city").collectAsList())
                .extracting(Row::toString).containsExactly("[First Film,146083,6.0,Burbank]",
                        "[Second Film,null,7.5,null]", "[Third Film,10,8.1,null]");
        assertThat(bronze("movies").select("_batch_date").distinct().first().getDate(0)).isEqualTo(Date.valueOf(DAY1));
        assertThat(bronze("movies").where("_rescued IS NOT NULL").select("_rescued").first().getString(0))
                .isEqualTo("{\"Genre\":\"Drama\"}");

        List<Row> flags = silver("flags").orderBy("id").select("id", "active", "seen").collectAsList();
        assertThat(flags).hasSize(2);
        assertThat(flags.get(0).getBoolean(1)).isTrue();
        assertThat(flags.get(0).getTimestamp(2)).isEqualTo(Timestamp.from(Instant.parse("2024-01-31T09:30:00Z")));
        assertThat(flags.get(1).getBoolean(1)).isFalse();
        assertThat(flags.get(1).getTimestamp(2)).isEqualTo(Timestamp.from(Instant.parse("2024-06-30T22:00:00Z")));
        assertThat(bronze("flags").where("id = '3'").select("_parse_error").first().getString(0))
                .isEqualTo("active: not a boolean (yes, y or no, n): 'maybe'");

        // Fixed upstream, the refused file is taken on the next run, on its own date, and nothing twice.
        write("movies/2024/broken.json", "[{\"Title\": \"Lost\"}, {\"Title\": \"Found\"}]");
        assertThat(run(new BronzeIngestJob(), DAY2, "movies")).isEqualTo(ExitCode.OK);
        assertThat(bronze("movies").count()).isEqualTo(5);
        assertThat(bronze("movies").where("_source_file LIKE '%broken.json'").select("_batch_date").distinct()
                .first().getDate(0)).isEqualTo(Date.valueOf(DAY2));
        assertThat(run(new BronzeIngestJob(), DAY2, "movies")).isEqualTo(ExitCode.OK);
        assertThat(bronze("movies").count()).isEqualTo(5);
    }

    @Test
    void aBatchWithNoValidRowIsCountedAndGatedOnItsFirstLoadAndLater() throws IOException {
        assertThat(run(new BronzeIngestJob(), DAY1, "strict", "lenient")).isEqualTo(ExitCode.OK);
        assertThat(run(new SilverJob(), DAY1, "strict")).isEqualTo(ExitCode.QUALITY_GATE);
        assertThat(run(new SilverJob(), DAY1, "lenient")).isEqualTo(ExitCode.OK);
        assertQuarantined("strict", 2);
        assertQuarantined("lenient", 2);
        assertThat(silver("lenient").count()).isZero();

        write("strict/2024-01-02/s.csv", "id,v\nz,c\n");
        write("lenient/2024-01-02/l.csv", "id,v\nz,c\n");
        assertThat(run(new BronzeIngestJob(), DAY2, "strict", "lenient")).isEqualTo(ExitCode.OK);
        assertThat(run(new SilverJob(), DAY2, "strict")).isEqualTo(ExitCode.QUALITY_GATE);
        assertThat(run(new SilverJob(), DAY2, "lenient")).isEqualTo(ExitCode.OK);
        assertQuarantined("strict", 3);
        assertQuarantined("lenient", 3);
    }

    private void assertQuarantined(String table, long rows) {
        assertThat(spark.read().format("delta").load(lake + "/silver/_quarantine_" + table).count()).isEqualTo(rows);
        Row last = spark.read().format("delta").load(lake + "/ops/runs")
                .where("job = 'silver' AND status <> 'running' AND table_name = '" + table + "'").orderBy(
                        org.apache.spark.sql.functions.col("ended_at").desc())
                .select("rows_read", "rows_quarantined").first();
        assertThat(last.getLong(1)).isEqualTo(last.getLong(0)).isPositive();
    }
}
