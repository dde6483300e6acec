package io.medallion.jobs.bronze;

/** A landing file's content differs from what bronze ingested: data would be lost or doubled. */
final class ChangedLandingFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ChangedLandingFileException(String message) {
        super(message);
    }
}
