package io.medallion.config;

/** How the SparkSession is built. */
public enum SparkProfile {
    /** A laptop or CI box: local master, few partitions, no UI. */
    LOCAL,
    /** spark-submit on a cluster: leave the cluster's and the operator's settings alone. */
    CLUSTER
}
