package io.medallion.spark;

import io.medallion.config.SparkProfile;
import io.medallion.config.SparkSpec;
import io.medallion.lake.ForkFreeLocalFileSystem;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the one SparkSession a job uses. Both profiles enable Delta; the local profile also
 * scales Spark's cluster-sized defaults down to the machine, the cluster profile leaves every
 * other setting to the cluster and the operator.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    /** Settings every profile needs: Delta as the table format. */
    public static Map<String, String> deltaSettings() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
        conf.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        return conf;
    }

    /**
     * Settings for a laptop or CI box. Spark's defaults assume a cluster: 200 shuffle partitions
     * and 10,000-task file listings (which made VACUUM of a small table take ~56 s) cost far more
     * than the work itself on two cores.
     */
    public static Map<String, String> localSettings(int cores) {
        // One task per core: at laptop scale a shuffle's tasks cost more than their work, and
        // twice as many (the earlier setting) made the demo about 5 s slower (104 s against 108 s).
        String few = Integer.toString(Math.max(2, cores));
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.master", "local[" + cores + "]");
        conf.put("spark.sql.shuffle.partitions", few);
        conf.put("spark.default.parallelism", few);
        conf.put("spark.sql.sources.parallelPartitionDiscovery.parallelism", few);
        // A local lake's Delta logs are small: rebuilding a table's state in one task beats
        // shuffling it over several.
        conf.put("spark.databricks.delta.snapshotPartitions", "1");
        // Each stage of each batch runs the same queries again; Spark's default cache of 100
        // compiled classes was too small to keep them, so code was compiled over and over.
        conf.put("spark.sql.codegen.cache.maxEntries", "4000");
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.ui.showConsoleProgress", "false");
        conf.put("spark.driver.host", "127.0.0.1");
        conf.put("spark.driver.bindAddress", "127.0.0.1");
        conf.put("spark.sql.session.timeZone", "UTC");
        // Hadoop's local file system starts a chmod or readlink process for each file it writes
        // and each Delta commit; this one does that work in the JVM (the demo ran 5,600 processes).
        conf.put("spark.hadoop.fs.file.impl", ForkFreeLocalFileSystem.class.getName());
        conf.put("spark.hadoop.fs.AbstractFileSystem.file.impl", ForkFreeLocalFileSystem.Fs.class.getName());
        return conf;
    }

    /** The settings for a profile, before the spec's and the command line's own. */
    public static Map<String, String> profileSettings(SparkProfile profile) {
        Map<String, String> conf = deltaSettings();
        if (profile == SparkProfile.LOCAL) {
            conf.putAll(localSettings(Runtime.getRuntime().availableProcessors()));
        }
        return conf;
    }

    /**
     * Every setting a job's session starts with: the profile's, then the spec's, then the command line's.
     *
     * @param overrides {@code --conf k=v} from the command line; they win over the spec's conf
     */
    public static Map<String, String> settings(SparkSpec spec, Map<String, String> overrides) {
        Map<String, String> conf = profileSettings(spec.profile());
        conf.putAll(spec.conf());
        conf.putAll(overrides);
        return conf;
    }

    /**
     * A Hadoop configuration with the {@code spark.hadoop.*} settings of {@link #settings}, for file
     * access before Spark starts. Hadoop caches one file system per scheme, whatever configuration
     * asked first, so this must agree with the session's.
     */
    public static Configuration hadoopConfiguration(SparkSpec spec, Map<String, String> overrides) {
        Configuration hadoop = new Configuration();
        settings(spec, overrides).forEach((k, v) -> {
            if (k.startsWith("spark.hadoop.")) {
                hadoop.set(k.substring("spark.hadoop.".length()), v);
            }
        });
        return hadoop;
    }

    /** @see #settings */
    public static SparkSession create(SparkSpec spec, String appName, Map<String, String> overrides) {
        Map<String, String> conf = settings(spec, overrides);
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        conf.forEach(builder::config);
        return builder.getOrCreate();
    }
}
