package io.medallion.jobs.bronze;

import java.io.Serializable;
import java.time.LocalDate;

/** A file in the landing zone, with its batch date: the one its folder names, or, in a flat layout, the run's. */
public record LandingFile(String path, LocalDate batchDate, long size, long modifiedAt) implements Serializable {

    LandingFile withBatchDate(LocalDate date) {
        return new LandingFile(path, date, size, modifiedAt);
    }
}
