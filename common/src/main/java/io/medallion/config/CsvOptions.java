package io.medallion.config;

import java.io.Serializable;
import java.nio.charset.Charset;
import java.util.Objects;

/**
 * How a CSV file is written (format csv).
 *
 * @param header whether the first record names the columns, matched to the schema by name
 * @param quote the character that encloses a field holding the delimiter, a quote or a line break
 * @param escape the character that escapes a quote inside a quoted field; the quote itself means
 *     a doubled quote, as RFC 4180 has it
 * @param nullValue the text that stands for a null (an empty field is always null)
 * @param comment a line prefix that marks a line to skip (counted); empty for none
 * @param encoding the files' character set; bytes invalid in it make a parse error
 */
public record CsvOptions(boolean header, char quote, char escape, String nullValue, String comment,
                         String encoding) implements Serializable {
    public CsvOptions {
        Objects.requireNonNull(nullValue, "nullValue");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(encoding, "encoding");
    }

    public Charset charset() {
        return Charset.forName(encoding);
    }
}
