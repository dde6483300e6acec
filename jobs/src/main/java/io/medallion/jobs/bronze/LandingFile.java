package io.medallion.jobs.bronze;

import java.io.Serializable;
import java.time.LocalDate;

/** A file in the landing zone, with the batch date its folder names. */
public record LandingFile(String path, LocalDate batchDate, long size, long modifiedAt) implements Serializable {
}
