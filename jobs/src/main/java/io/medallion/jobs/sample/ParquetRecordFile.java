package io.medallion.jobs.sample;

import io.trino.tpch.TpchColumnType;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * A typed Parquet file of one TPC-H table's dbgen fields: identifiers as int64, integers as int32,
 * money as decimal(15,2), dates as dates, text as strings, and an empty field as null. Written
 * with Parquet's own writer, so the generator needs no Spark.
 */
final class ParquetRecordFile implements RecordFile<String[]> {
    private final TpchColumns columns;
    private final SimpleGroupFactory groups;
    private final ParquetWriter<Group> writer;
    /** Columns written as text whatever TPC-H says they are: how a wrong-type file is made. */
    private final Set<String> asText;

    private ParquetRecordFile(FileSystem fs, Path file, TpchColumns columns, Set<String> asText)
            throws IOException {
        this.columns = columns;
        this.asText = asText;
        MessageType schema = schema(columns, asText);
        this.groups = new SimpleGroupFactory(schema);
        this.writer = ExampleParquetWriter.builder(outputFile(fs, file)).withType(schema)
                .withConf(fs.getConf()).withCompressionCodec(CompressionCodecName.SNAPPY).build();
    }

    static RecordFile.Opener<String[]> opener(TpchColumns columns) {
        return (fs, file) -> new ParquetRecordFile(fs, file, columns, Set.of());
    }

    /** Files whose {@code textColumns} are strings, so that they do not match the declared types. */
    static RecordFile.Opener<String[]> withTextColumns(TpchColumns columns, Set<String> textColumns) {
        return (fs, file) -> new ParquetRecordFile(fs, file, columns, textColumns);
    }

    private static MessageType schema(TpchColumns columns, Set<String> asText) {
        Types.MessageTypeBuilder message = Types.buildMessage();
        for (int i = 0; i < columns.names().size(); i++) {
            String name = columns.names().get(i);
            TpchColumnType.Base type = asText.contains(name) ? TpchColumnType.Base.VARCHAR : columns.type(i);
            switch (type) {
                case IDENTIFIER -> message.optional(PrimitiveTypeName.INT64).named(name);
                case INTEGER -> message.optional(PrimitiveTypeName.INT32).named(name);
                case DOUBLE -> message.optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.decimalType(
                        TpchColumns.MONEY_SCALE, TpchColumns.MONEY_PRECISION)).named(name);
                case DATE -> message.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()).named(name);
                case VARCHAR -> message.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
                        .named(name);
            }
        }
        return message.named("tpch");
    }

    /** Through the generator's own file system object, which writes no checksum side files. */
    private static OutputFile outputFile(FileSystem fs, Path file) {
        return new OutputFile() {
            @Override
            public PositionOutputStream create(long blockSizeHint) throws IOException {
                return HadoopStreams.wrap(fs.create(file, false));
            }

            @Override
            public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
                return HadoopStreams.wrap(fs.create(file, true));
            }

            @Override
            public boolean supportsBlockSize() {
                return false;
            }

            @Override
            public long defaultBlockSize() {
                return 0;
            }
        };
    }

    @Override
    public void write(String[] fields) throws IOException {
        Group row = groups.newGroup();
        for (int i = 0; i < fields.length; i++) {
            String name = columns.names().get(i);
            String value = fields[i];
            if (value.isEmpty()) {
                continue;
            }
            if (asText.contains(name)) {
                row.append(name, value);
                continue;
            }
            switch (columns.type(i)) {
                case IDENTIFIER -> row.append(name, Long.parseLong(value));
                case INTEGER -> row.append(name, Integer.parseInt(value));
                case DOUBLE -> row.append(name, new BigDecimal(value).setScale(TpchColumns.MONEY_SCALE)
                        .unscaledValue().longValueExact());
                case DATE -> row.append(name, (int) LocalDate.parse(value).toEpochDay());
                case VARCHAR -> row.append(name, value);
            }
        }
        writer.write(row);
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
