package io.medallion.config;

/** How a table's landing files are arranged in folders, and so what a file's batch date is. */
public enum LandingLayout {
    /** {@code <path>/<yyyy-MM-dd>/<file>}: the folder names the batch date. */
    DATE_FOLDERS,
    /** {@code <path>/<partition_key>=<yyyy-MM-dd>/<file>}, as Hive and Spark write partitions. */
    HIVE,
    /**
     * Files anywhere under {@code <path>} that match the glob ({@code **}/ matches subfolders): a
     * file's batch date is the run date on which bronze first took it in.
     */
    FLAT
}
