package io.medallion.jobs.sample;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What to generate.
 *
 * @param rates per-defect probability per clean row (per clean customer for customer defects)
 * @param rowsPerFile a batch of a large table is split into files of at most this many lines
 */
public record GeneratorSettings(double scale, int batches, long seed, LocalDate startDate,
                                Map<Defect, Double> rates, int rowsPerFile, LandingFormat format) {
    public static final double DEFAULT_SCALE = 0.01;
    public static final int DEFAULT_BATCHES = 3;
    public static final long DEFAULT_SEED = 42;
    public static final LocalDate DEFAULT_START_DATE = LocalDate.of(2024, 1, 1);
    public static final int DEFAULT_ROWS_PER_FILE = 250_000;

    public GeneratorSettings {
        if (!(scale > 0 && scale <= 100)) {
            throw new IllegalArgumentException("--scale must be > 0 and <= 100, got " + scale);
        }
        if (batches < 1 || batches > 365) {
            throw new IllegalArgumentException("--batches must be 1..365, got " + batches);
        }
        if (rowsPerFile < 1) {
            throw new IllegalArgumentException("--rows-per-file must be positive, got " + rowsPerFile);
        }
        Objects.requireNonNull(startDate, "startDate");
        Objects.requireNonNull(format, "format");
        EnumMap<Defect, Double> all = new EnumMap<>(Defect.class);
        for (Defect d : Defect.values()) {
            all.put(d, d.defaultRate());
        }
        rates.forEach((d, r) -> {
            if (r < 0 || r > 1) {
                throw new IllegalArgumentException("--rate " + d.key() + " must be 0..1, got " + r);
            }
            all.put(d, r);
        });
        rates = Map.copyOf(all);
    }

    public static GeneratorSettings defaults() {
        return new GeneratorSettings(DEFAULT_SCALE, DEFAULT_BATCHES, DEFAULT_SEED, DEFAULT_START_DATE, Map.of(),
                DEFAULT_ROWS_PER_FILE, LandingFormat.DELIMITED);
    }

    public GeneratorSettings withFormat(LandingFormat landingFormat) {
        return new GeneratorSettings(scale, batches, seed, startDate, rates, rowsPerFile, landingFormat);
    }

    public double rate(Defect d) {
        return rates.get(d);
    }

    public LocalDate batchDate(int batchIndex) {
        return startDate.plusDays(batchIndex);
    }
}
