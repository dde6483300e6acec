package io.medallion.jobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** The project version, written into {@code medallion-version.properties} by the build. */
final class VersionProvider implements CommandLine.IVersionProvider {
    static final String RESOURCE = "/medallion-version.properties";

    @Override
    public String[] getVersion() {
        return new String[] {"medallion " + version()};
    }

    static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
