package io.medallion.jobs.bronze.source;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.HashSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code medallion infer}: reads a sample of a folder's CSV or JSON files, without Spark (Parquet,
 * Avro and ORC with it: they declare their types, and only Spark reads them here), and
 * writes a pipeline spec for them that loads as it is: the folder layout, the columns (names
 * made valid, {@code from:} where renamed), the narrowest type that fits every sampled value
 * ({@link ColumnGuess}), {@code required} where the sample has no null, a key (the smallest set
 * of complete columns, up to three, unique in the sample) and {@code latest_by}.
 */
public final class SpecInference {
    private static final List<String> CSV_EXTENSIONS = List.of(".csv", ".tsv", ".txt");
    private static final List<String> JSON_EXTENSIONS = List.of(".json", ".jsonl", ".ndjson");
    private static final List<String> TYPED = List.of("parquet", "avro", "orc");

    private final Configuration hadoop;
    private final int maxFiles;
    private final int maxRecords;

    public SpecInference(Configuration hadoop, int maxFiles, int maxRecords) {
        this.hadoop = hadoop;
        this.maxFiles = maxFiles;
        this.maxRecords = maxRecords;
    }

    /**
     * What the sample showed: source field names in order, each record's values by field, and
     * for typed files the types the files declare.
     */
    private record Sample(List<String> fields, Map<String, ColumnGuess> guesses, List<Map<String, String>> rows,
                          Map<String, String> declared, List<String> leftOut) {
        Sample() {
            this(new ArrayList<>(), new LinkedHashMap<>(), new ArrayList<>(), new LinkedHashMap<>(), new ArrayList<>());
        }

        String type(String field) {
            return declared.containsKey(field) ? declared.get(field) : guesses.get(field).guess().type();
        }

        void add(Map<String, String> row, Map<String, String> kinds) {
            row.keySet().forEach(f -> {
                if (!guesses.containsKey(f)) {
                    fields.add(f);
                    ColumnGuess g = new ColumnGuess();
                    rows.forEach(r -> g.add(null, null)); // absent from every earlier record
                    guesses.put(f, g);
                }
            });
            guesses.forEach((f, g) -> g.add(row.get(f), kinds == null ? null : kinds.getOrDefault(f, "string")));
            rows.add(row);
        }
    }

    /**
     * The spec, as YAML.
     *
     * @param format csv, json, parquet, avro or orc; null to tell by the files' extension
     * @param delimiter the CSV delimiter; null to tell from the header
     * @param spark a session, asked for only when the files are typed (Spark reads those)
     */
    public String infer(String location, String format, Character delimiter, Supplier<SparkSession> spark)
            throws IOException {
        Path root = new Path(location);
        FileSystem fs = root.getFileSystem(hadoop);
        if (!fs.exists(root)) {
            throw new IllegalArgumentException(location + ": no such file or folder");
        }
        boolean single = fs.getFileStatus(root).isFile();
        Path tableDir = single ? root.getParent() : root;
        List<Path> files = new ArrayList<>();
        if (single) {
            files.add(root);
        } else {
            RemoteIterator<LocatedFileStatus> all = fs.listFiles(root, true);
            while (all.hasNext()) {
                Path p = all.next().getPath();
                if (!p.getName().startsWith("_") && !p.getName().startsWith(".")) {
                    files.add(p);
                }
            }
            files.sort(null);
        }
        String kind = format != null ? format.toLowerCase(Locale.ROOT) : formatOf(files);
        List<Path> data = files.stream().filter(p -> format != null || kind.equals(kindOf(p.getName()))).toList();
        if (data.isEmpty()) {
            throw new IllegalArgumentException(location + ": no " + kind + " files found");
        }
        Sample sample = new Sample();
        char sep = ',';
        if (TYPED.contains(kind)) {
            readTyped(spark.get(), kind, data.subList(0, Math.min(maxFiles, data.size())), sample);
            return yaml(tableDir, root, single, data, kind, sep, sample);
        }
        for (Path file : data.subList(0, Math.min(maxFiles, data.size()))) {
            try (InputStream in = open(fs, file)) {
                if (kind.equals("csv")) {
                    sep = delimiter != null ? delimiter : sniffDelimiter(fs, file);
                    readCsv(in, sep, sample);
                } else {
                    readJson(in, sample);
                }
            }
        }
        return yaml(tableDir, root, single, data, kind, sep, sample);
    }

    private InputStream open(FileSystem fs, Path file) throws IOException {
        return LandingStreams.content(fs.open(file), file.toString(), hadoop);
    }

    private static String stripCodec(String name) {
        for (String ext : List.of(".gz", ".bz2", ".deflate", ".zst", ".lz4", ".snappy")) {
            if (name.endsWith(ext)) {
                return name.substring(0, name.length() - ext.length());
            }
        }
        return name;
    }

    private static String kindOf(String name) {
        String plain = stripCodec(name).toLowerCase(Locale.ROOT);
        if (CSV_EXTENSIONS.stream().anyMatch(plain::endsWith)) {
            return "csv";
        }
        for (String typed : TYPED) {
            if (plain.endsWith("." + typed)) {
                return typed;
            }
        }
        return JSON_EXTENSIONS.stream().anyMatch(plain::endsWith) ? "json" : null;
    }

    private static String formatOf(List<Path> files) {
        for (Path p : files) {
            String kind = kindOf(p.getName());
            if (kind != null) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no file ends in " + CSV_EXTENSIONS + ", " + JSON_EXTENSIONS + " or "
                + TYPED.stream().map(t -> "." + t).toList()
                + " (optionally compressed); say which with --format csv|json");
    }

    /** The most frequent of , ; tab | in the first line. */
    private char sniffDelimiter(FileSystem fs, Path file) throws IOException {
        String first;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(fs, file), StandardCharsets.UTF_8))) {
            first = r.readLine();
        }
        char best = ',';
        long most = 0;
        for (char c : new char[] {',', ';', '\t', '|'}) {
            long n = first == null ? 0 : first.chars().filter(ch -> ch == c).count();
            if (n > most) {
                most = n;
                best = c;
            }
        }
        return best;
    }

    private void readCsv(InputStream in, char delimiter, Sample sample) throws IOException {
        CsvRecordSplitter splitter = new CsvRecordSplitter(in, delimiter, '"', '"', new byte[0]);
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).build();
        CsvRecordSplitter.Raw header = splitter.next();
        if (header == null) {
            return;
        }
        List<String> names = parse(header.bytes(), format);
        CsvRecordSplitter.Raw raw;
        int n = 0;
        while (n < maxRecords && (raw = splitter.next()) != null) {
            List<String> values;
            try {
                values = parse(raw.bytes(), format);
            } catch (IOException | RuntimeException e) {
                continue; // a record that does not parse says nothing about the columns' types
            }
            if (values.size() != names.size()) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                row.put(names.get(i), values.get(i).isEmpty() ? null : values.get(i));
            }
            sample.add(row, null);
            n++;
        }
    }

    private static List<String> parse(byte[] bytes, CSVFormat format) throws IOException {
        try (CSVParser parser = CSVParser.parse(new String(bytes, StandardCharsets.UTF_8), format)) {
            return parser.getRecords().get(0).toList();
        }
    }

    private void readJson(InputStream in, Sample sample) throws IOException {
        ObjectMapper mapper = LineParser.exactJson();
        java.io.BufferedInputStream buffered = new java.io.BufferedInputStream(in, 1 << 16);
        int n = 0;
        if (JsonDocumentReader.isArray(buffered)) {
            try (JsonParser json = mapper.getFactory().createParser(buffered)) {
                json.nextToken();
                while (n < maxRecords && json.nextToken() == JsonToken.START_OBJECT) {
                    addJson(mapper.readTree(json), sample);
                    n++;
                }
            }
            return;
        }
        BufferedReader lines = new BufferedReader(new InputStreamReader(buffered, StandardCharsets.UTF_8));
        String line;
        while (n < maxRecords && (line = lines.readLine()) != null) {
            line = line.startsWith("\uFEFF") ? line.substring(1) : line;
            try {
                JsonNode node = mapper.readTree(line);
                if (node != null && node.isObject()) {
                    addJson(node, sample);
                    n++;
                }
            } catch (IOException e) {
                // a broken line says nothing about the columns' types
            }
        }
    }

    /**
     * Typed files carry their types: the sample says only which columns have nulls and what is
     * unique. Nested structs become dotted {@code from:} paths; lists, maps and binary have no
     * column type here and are left out, with a comment.
     */
    private void readTyped(SparkSession spark, String kind, List<Path> files, Sample sample) {
        Dataset<Row> rows = spark.read().format(kind).load(files.stream().map(Path::toString).toArray(String[]::new));
        List<String> fields = new ArrayList<>();
        List<org.apache.spark.sql.Column> columns = new ArrayList<>();
        flattenSchema("", rows.schema(), fields, columns, sample);
        Dataset<Row> flat = rows.select(columns.toArray(new org.apache.spark.sql.Column[0]));
        for (Row r : flat.limit(maxRecords * Math.max(1, files.size())).collectAsList()) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < fields.size(); i++) {
                row.put(fields.get(i), r.isNullAt(i) ? null : String.valueOf(r.get(i)));
            }
            sample.add(row, null);
        }
    }

    private static void flattenSchema(String prefix, StructType schema, List<String> fields,
                                      List<org.apache.spark.sql.Column> columns, Sample sample) {
        for (StructField f : schema.fields()) {
            String name = prefix + f.name();
            if (f.dataType() instanceof StructType nested && !f.name().contains(".")) {
                flattenSchema(name + ".", nested, fields, columns, sample);
                continue;
            }
            String type = specType(f.dataType());
            if (type == null) {
                sample.leftOut().add(name + " (" + f.dataType().simpleString() + ")");
                continue;
            }
            fields.add(name);
            sample.declared().put(name, type);
            columns.add(prefix.isEmpty() ? functions.col("`" + name + "`") : functions.col(name));
        }
    }

    /** The spec's name for a file's type; null for one the spec has no column type for. */
    private static String specType(DataType type) {
        if (type instanceof DecimalType d) {
            return "decimal(" + d.precision() + "," + d.scale() + ")";
        }
        if (type.equals(DataTypes.ByteType) || type.equals(DataTypes.ShortType) || type.equals(DataTypes.IntegerType)) {
            return "int";
        }
        if (type.equals(DataTypes.LongType)) {
            return "bigint";
        }
        if (type.equals(DataTypes.FloatType) || type.equals(DataTypes.DoubleType)) {
            return "double";
        }
        if (type.equals(DataTypes.StringType) || type.equals(DataTypes.BooleanType) || type.equals(DataTypes.DateType)
                || type.equals(DataTypes.TimestampType)) {
            return type.typeName();
        }
        return null;
    }

    private static void addJson(JsonNode object, Sample sample) {
        Map<String, String> row = new LinkedHashMap<>();
        Map<String, String> kinds = new LinkedHashMap<>();
        flatten("", object, row, kinds);
        sample.add(row, kinds);
    }

    /** Nested objects become dotted paths, which {@code from:} reads; lists stay JSON text. */
    private static void flatten(String prefix, JsonNode node, Map<String, String> row, Map<String, String> kinds) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = prefix + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject() && !v.isEmpty() && !e.getKey().contains(".")) {
                flatten(name + ".", v, row, kinds);
            } else {
                row.put(name, v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString());
                kinds.put(name, v.isNumber() ? "number" : v.isBoolean() ? "boolean" : v.isTextual() ? "string" : "other");
            }
        }
    }

    private String yaml(Path tableDir, Path root, boolean single, List<Path> files, String kind, char delimiter,
                        Sample sample) {
        String table = validName(tableDir.getName(), "t");
        StringBuilder source = new StringBuilder("{format: " + kind + ", path: " + quote(tableDir.getName()));
        String glob = single ? root.getName() : glob(files);
        Set<String> parents = new HashSet<>();
        files.forEach(f -> parents.add(f.getParent().getName()));
        boolean dated = !single && parents.stream().allMatch(SpecInference::isDate);
        boolean hive = !single && !dated && parents.stream().allMatch(p -> p.indexOf('=') > 0 && isDate(p.substring(p.indexOf('=') + 1)));
        if (hive) {
            String key = parents.iterator().next();
            source.append(", layout: hive, partition_key: ").append(key, 0, key.indexOf('='));
        } else if (!dated) {
            FileSystemPaths qualified = new FileSystemPaths(hadoop);
            Path dir = qualified.of(tableDir);
            boolean nested = files.stream().anyMatch(f -> !qualified.of(f.getParent()).equals(dir));
            source.append(", layout: flat");
            glob = (nested ? "**/" : "") + glob;
        }
        source.append(", glob: ").append(quote(glob));
        if (kind.equals("csv") && delimiter != ',') {
            source.append(", options: {delimiter: ").append(quote(String.valueOf(delimiter))).append("}");
        }
        source.append("}");

        StringBuilder out = new StringBuilder();
        out.append("# Inferred by medallion infer from ").append(Math.min(maxFiles, files.size())).append(" of ")
                .append(files.size()).append(" file(s), ").append(sample.rows().size()).append(" record(s): check the")
                .append(" types, the key and required before relying on them.\n");
        out.append("storage:\n  lake_root: ${MEDALLION_LAKE_ROOT:-lake}\n  landing_root: ")
                .append(quote(tableDir.getParent() == null ? "/" : tableDir.getParent().toString())).append("\n");
        out.append("tables:\n  ").append(table).append(":\n    source: ").append(source).append("\n    schema:\n");
        Map<String, String> names = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (String field : sample.fields()) {
            String name = validName(field.replace('.', '_'), "c");
            while (!used.add(name)) {
                name = name + "_";
            }
            names.put(field, name);
            ColumnGuess.Guess g = sample.declared().containsKey(field)
                    ? new ColumnGuess.Guess(sample.type(field), null, List.of(), List.of())
                    : sample.guesses().get(field).guess();
            out.append("      - {name: ").append(name);
            if (!name.equals(field)) {
                out.append(", from: ").append(quote(field));
            }
            out.append(", type: ").append(g.type().startsWith("decimal") ? quote(g.type()) : g.type());
            if (g.format() != null) {
                out.append(", format: ").append(quote(g.format()));
            }
            if (!g.trueValues().isEmpty()) {
                out.append(", true_values: [").append(quote(g.trueValues().get(0))).append("], false_values: [")
                        .append(quote(g.falseValues().get(0))).append("]");
            }
            if (sample.guesses().get(field).complete()) {
                out.append(", required: true");
            }
            out.append("}\n");
        }
        sample.leftOut().forEach(field -> out.append("      # ").append(field)
                .append(" left out: the spec has no column type for it\n"));
        List<String> key = key(sample);
        if (!key.isEmpty()) {
            out.append("    key: [").append(String.join(", ", key.stream().map(names::get).toList())).append("]\n");
            out.append("    latest_by: [_batch_date, _source_file, _source_line]\n");
        } else {
            out.append("    # no set of up to three columns is unique in the sample: declare the key (required: silver merges by it)\n");
        }
        return out.toString();
    }

    /** Paths made absolute on their file system, so that a relative --path compares with listed files. */
    private record FileSystemPaths(Configuration hadoop) {
        Path of(Path p) {
            try {
                return p.getFileSystem(hadoop).makeQualified(p);
            } catch (IOException e) {
                return p;
            }
        }
    }

    /** The smallest set of complete columns, up to three, whose values are unique over the sample. */
    private static List<String> key(Sample sample) {
        // Numbers with a fraction and booleans identify nothing, even when the sample makes them unique.
        List<String> complete = sample.fields().stream().filter(f -> sample.guesses().get(f).complete())
                .filter(f -> {
                    String type = sample.type(f);
                    return !type.startsWith("decimal") && !type.equals("double") && !type.equals("boolean");
                }).toList();
        for (int size = 1; size <= Math.min(3, complete.size()); size++) {
            List<String> found = keyOfSize(complete, size, 0, new ArrayList<>(), sample);
            if (found != null) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> keyOfSize(List<String> columns, int size, int from, List<String> chosen, Sample sample) {
        if (chosen.size() == size) {
            Set<List<String>> seen = new HashSet<>();
            for (Map<String, String> row : sample.rows()) {
                if (!seen.add(chosen.stream().map(row::get).toList())) {
                    return null;
                }
            }
            return List.copyOf(chosen);
        }
        for (int i = from; i < columns.size(); i++) {
            chosen.add(columns.get(i));
            List<String> found = keyOfSize(columns, size, i + 1, chosen, sample);
            chosen.remove(chosen.size() - 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static boolean isDate(String text) {
        try {
            LocalDate.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** {@code *.csv} for files that all end so; {@code *.csv*} when some are compressed ({@code .csv.gz}). */
    private static String glob(List<Path> files) {
        Set<String> extensions = new java.util.TreeSet<>();
        Set<String> plain = new java.util.TreeSet<>();
        for (Path f : files) {
            extensions.add(extension(f.getName()));
            String stripped = stripCodec(f.getName());
            plain.add(stripped.lastIndexOf('.') < 0 ? "" : stripped.substring(stripped.lastIndexOf('.')));
        }
        if (extensions.size() == 1) {
            return "*" + extensions.iterator().next();
        }
        return plain.size() == 1 && !plain.contains("") ? "*" + plain.iterator().next() + "*" : "*";
    }

    private static String extension(String name) {
        String plain = stripCodec(name);
        int dot = plain.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }

    /** Lower case letters, digits and _, starting with a letter, as table and column names must be. */
    static String validName(String text, String prefix) {
        String name = text.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
            name = prefix + "_" + name;
        }
        return name.replaceAll("_+$", "");
    }

    /** A YAML scalar, quoted when YAML would read it as something else. */
    private static String quote(String text) {
        return text.matches("[A-Za-z_][A-Za-z0-9_./-]*") && !Set.of("yes", "no", "on", "off", "true", "false", "null",
                "y", "n").contains(text.toLowerCase(Locale.ROOT))
                ? text : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
