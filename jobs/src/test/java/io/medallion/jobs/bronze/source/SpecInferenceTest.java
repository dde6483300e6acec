package io.medallion.jobs.bronze.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medallion.config.ColumnSpec;
import io.medallion.config.LandingLayout;
import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.config.SourceFormat;
import io.medallion.config.TableSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code infer} on CSV, JSON and Hive-style folders: the spec it prints loads back as it is, with the types the values have. */
class SpecInferenceTest {
    @TempDir
    Path dir;

    private Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private TableSpec inferAndLoad(String folder, String table) throws IOException {
        String yaml = new SpecInference(new Configuration(), 5, 10_000).infer(dir.resolve(folder).toString(), null, null,
                io.medallion.testing.TestSpark::session);
        Path spec = write("specs/" + table + ".yaml", yaml);
        write("specs/env/local.yaml", "spark: {profile: local}\n");
        PipelineSpec loaded = new PipelineSpecLoader(Map.of(), dir).load(spec, "local");
        return loaded.tables().get(table);
    }

    private static String describe(ColumnSpec c) {
        return c.name() + (c.from().equals(c.name()) ? "" : "<-" + c.from()) + ":" + c.type()
                + (c.format().pattern() == null ? "" : "/" + c.format().pattern()) + (c.required() ? "!" : "");
    }

    @Test
    void aCsvFolderGivesNamesTypesFormatsAndAKey() throws IOException {
        write("landing/Stock Prices/2000-01-01/a.csv", """
                Symbol;Date;Price;Volume;Listed;Code;Note
                MSFT;Jan 1 2000;39.81;3000000000;yes;007;
                MSFT;Feb 1 2000;36.35;12;no;010;split
                IBM;Jan 1 2000;100.5;12;yes;020;
                """);
        write("landing/Stock Prices/2000-01-02/b.csv", "Symbol;Date;Price;Volume;Listed;Code;Note\nIBM;Feb 1 2000;1;1;no;030;\n");
        TableSpec t = inferAndLoad("landing/Stock Prices", "stock_prices");
        assertThat(t.source().format()).isEqualTo(SourceFormat.CSV);
        assertThat(t.source().layout()).isEqualTo(LandingLayout.DATE_FOLDERS);
        assertThat(t.source().delimiter()).isEqualTo(";");
        assertThat(t.source().path()).isEqualTo("Stock Prices");
        assertThat(t.schema()).extracting(SpecInferenceTest::describe).containsExactly(
                "symbol<-Symbol:string!", "date<-Date:date/MMM d yyyy!", "price<-Price:decimal(5,2)!",
                "volume<-Volume:bigint!", "listed<-Listed:boolean!", "code<-Code:string!", "note<-Note:string");
        assertThat(t.schema().get(4).format().trueValues()).containsExactly("yes");
        // The price and the flag are unique here too, but numbers with a fraction and booleans identify nothing.
        assertThat(t.key()).containsExactly("code");
    }

    @Test
    void aJsonFolderGivesFromNamesAndPathsAndAHiveLayout() throws IOException {
        write("landing/movies/dt=2024-01-01/m.json", """
                [{"Title": "First", "US Gross": 146083, "Rating": 6, "Released": "2024-01-31",
                  "studio": {"city": "Burbank"}, "tags": ["a"]},
                 {"Title": "Second", "US Gross": null, "Rating": 7.5, "Released": "2024-02-01", "studio": {"city": null}}]
                """);
        TableSpec t = inferAndLoad("landing/movies", "movies");
        assertThat(t.source().format()).isEqualTo(SourceFormat.JSON);
        assertThat(t.source().layout()).isEqualTo(LandingLayout.HIVE);
        assertThat(t.source().partitionKey()).isEqualTo("dt");
        assertThat(t.schema()).extracting(SpecInferenceTest::describe).containsExactly(
                "title<-Title:string!", "us_gross<-US Gross:int", "rating<-Rating:decimal(2,1)!",
                "released<-Released:date!", "studio_city<-studio.city:string", "tags:string");
        assertThat(t.key()).containsExactly("title");
    }

    @Test
    void aParquetFolderGivesTheFilesTypesNestedPathsAndAKey() throws IOException {
        org.apache.spark.sql.SparkSession spark = io.medallion.testing.TestSpark.session();
        Path out = dir.resolve("spark-out");
        spark.sql("SELECT id, CAST(id * 1.5 AS DECIMAL(9,2)) AS `Unit Price`, named_struct('city', 'Troy', 'zip', "
                + "CAST(NULL AS STRING)) AS address, array(1) AS tags, DATE'2024-01-31' AS day FROM range(3)")
                .coalesce(1).write().parquet(out.toString());
        Path part;
        try (var files = Files.list(out)) {
            part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        Files.createDirectories(dir.resolve("landing/items/2024-01-01"));
        Files.copy(part, dir.resolve("landing/items/2024-01-01/items.parquet"));
        TableSpec t = inferAndLoad("landing/items", "items");
        assertThat(t.source().format()).isEqualTo(SourceFormat.PARQUET);
        assertThat(t.schema()).extracting(SpecInferenceTest::describe).containsExactly("id:bigint!",
                "unit_price<-Unit Price:decimal(9,2)!", "address_city<-address.city:string!",
                "address_zip<-address.zip:string", "day:date!");
        assertThat(t.key()).containsExactly("id");
    }

    @Test
    void flatFoldersAndFilesWithoutAKnownExtension() throws IOException {
        write("landing/events/2024/01/e.jsonl", "{\"id\": 1, \"at\": \"2024-01-31T10:00:00Z\"}\n{\"id\": 1, \"at\": \"2024-01-31T11:00:00Z\"}\n");
        TableSpec t = inferAndLoad("landing/events", "events");
        assertThat(t.source().layout()).isEqualTo(LandingLayout.FLAT);
        assertThat(t.source().glob()).isEqualTo("**/*.jsonl");
        assertThat(t.schema()).extracting(SpecInferenceTest::describe).containsExactly("id:int!", "at:timestamp!");
        assertThat(t.key()).containsExactly("at");

        write("landing/odd/x.dat", "a\n");
        assertThatThrownBy(() -> new SpecInference(new Configuration(), 5, 10).infer(dir.resolve("landing/odd").toString(),
                null, null, () -> null)).hasMessageContaining("say which with --format csv|json");
        assertThat(List.of(SpecInference.validName("US Gross", "c"), SpecInference.validName("2nd col", "c")))
                .containsExactly("us_gross", "c_2nd_col");
    }
}
