package io.medallion.jobs.sample;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** One landing file being written, record by record. */
interface RecordFile<T> extends Closeable {
    void write(T record) throws IOException;

    /** Opens a new file at a path. */
    @FunctionalInterface
    interface Opener<T> {
        RecordFile<T> open(FileSystem fs, Path file) throws IOException;
    }

    /** Files of {@code opener}'s records, written from records of another kind. */
    static <A, B> Opener<A> map(Opener<B> opener, java.util.function.Function<A, B> encode) {
        return (fs, file) -> {
            RecordFile<B> target = opener.open(fs, file);
            return new RecordFile<>() {
                @Override
                public void write(A record) throws IOException {
                    target.write(encode.apply(record));
                }

                @Override
                public void close() throws IOException {
                    target.close();
                }
            };
        };
    }

    /**
     * A text file of records, each already encoded: {@code opening} before the first (a header,
     * an array's bracket), {@code between} two, and {@code closing} after the last.
     */
    final class Text implements RecordFile<String> {
        private final Writer out;
        private final String between;
        private final String closing;
        private boolean first = true;

        Text(FileSystem fs, Path file, String opening, String between, String closing) throws IOException {
            this.out = new BufferedWriter(new OutputStreamWriter(fs.create(file, true), StandardCharsets.UTF_8),
                    1 << 16);
            this.between = between;
            this.closing = closing;
            out.write(opening);
        }

        /** One record per line. */
        static Opener<String> lines(String header) {
            return (fs, file) -> new Text(fs, file, header == null ? "" : header + "\n", "\n", "\n");
        }

        /** One JSON array of the records. */
        static Opener<String> jsonArray() {
            return (fs, file) -> new Text(fs, file, "[\n", ",\n", "\n]\n");
        }

        @Override
        public void write(String record) throws IOException {
            if (!first) {
                out.write(between);
            }
            first = false;
            out.write(record);
        }

        @Override
        public void close() throws IOException {
            out.write(closing);
            out.close();
        }
    }
}
