package org.gridpacs.dose.jobs;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

import org.gridpacs.dose.engine.Calibration;

/**
 * The dose service's settings ({@code conf/dose.properties}, documented there); every one has a default, and a bad
 * value is refused at start with a message naming the key.
 *
 * @param enabled            the service runs at all (jobs, HTTP API, on-arrival rule); {@code dose.enabled}
 * @param onArrival          a stored RT Plan starts a job; {@code dose.onArrival}
 * @param uncertainty        default target uncertainty, percent; {@code dose.uncertainty}
 * @param seed               default random seed; {@code dose.seed}
 * @param maxHistories       the most histories a job runs when aiming at an uncertainty; {@code dose.maxHistories}
 * @param stable             a CT series is complete once it has had no new instance for this long;
 *                           {@code dose.stableSeconds}
 * @param waitForCt          how long an on-arrival job waits for its CT series; {@code dose.waitForCtMinutes}
 * @param bitsAllocated      RT Dose Bits Allocated, 16 or 32; {@code dose.bitsAllocated}
 * @param gridMm             dose grid spacing, mm, 0 for the CT grid; {@code dose.gridMm}
 * @param errorDose          also store the uncertainty as an RT Dose of Dose Type ERROR; {@code dose.errorDose}
 * @param huCalibration      CT number to density and medium: ramp or schneider2000; {@code dose.huCalibration}
 * @param threads            threads of the local executor (0: all cores); {@code dose.threads}
 * @param takeover           in a cluster, how long the owner of open jobs may be out of the membership before
 *                           another node takes them over; {@code dose.takeoverSeconds}
 * @param calibrationHistories histories of each reference simulation that calibrates the MU of a beam kind (once
 *                           per node and physics settings); {@code dose.calibrationHistories}
 */
public record DoseJobsConfig(boolean enabled, boolean onArrival, double uncertainty, long seed, long maxHistories,
                             Duration stable, Duration waitForCt, int bitsAllocated, double gridMm, boolean errorDose,
                             String huCalibration, int threads, Duration takeover, long calibrationHistories) {

    /** Target uncertainties a request may ask for, percent. */
    public static final double MIN_UNCERTAINTY = 0.1;
    public static final double MAX_UNCERTAINTY = 50;

    public static final DoseJobsConfig DEFAULTS = from(new Properties());

    /** Reads {@code file}; the defaults when it does not exist. */
    public static DoseJobsConfig load(Path file) throws IOException {
        Properties p = new Properties();
        if (file != null && Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        return from(p);
    }

    /** @throws IllegalArgumentException naming the key of a bad value */
    public static DoseJobsConfig from(Properties p) {
        double unc = number(p, "dose.uncertainty", 2, MIN_UNCERTAINTY, MAX_UNCERTAINTY);
        int bits = (int) number(p, "dose.bitsAllocated", 16, 16, 32);
        if (bits != 16 && bits != 32) {
            throw new IllegalArgumentException("dose.bitsAllocated must be 16 or 32, not " + bits);
        }
        String hu = text(p, "dose.huCalibration", "ramp");
        if (!hu.equalsIgnoreCase("ramp") && !hu.toLowerCase(Locale.ROOT).startsWith("schneider")) {
            throw new IllegalArgumentException("dose.huCalibration must be ramp or schneider2000, not " + hu);
        }
        return new DoseJobsConfig(bool(p, "dose.enabled", true), bool(p, "dose.onArrival", true), unc,
                (long) number(p, "dose.seed", 1, 0, Long.MAX_VALUE),
                (long) number(p, "dose.maxHistories", 2e9, 1e3, 1e12),
                Duration.ofMillis((long) (1000 * number(p, "dose.stableSeconds", 5, 0, 3600))),
                Duration.ofMillis((long) (60_000 * number(p, "dose.waitForCtMinutes", 60, 0, 7 * 24 * 60))),
                bits, number(p, "dose.gridMm", 0, 0, 50), bool(p, "dose.errorDose", true), hu,
                (int) number(p, "dose.threads", 0, 0, 1024),
                Duration.ofMillis((long) (1000 * number(p, "dose.takeoverSeconds", 20, 0.1, 24 * 3600))),
                (long) number(p, "dose.calibrationHistories", Calibration.DEFAULT_HISTORIES, 1e4, 1e10));
    }

    /** The same with other CT waiting times (tests). */
    public DoseJobsConfig withTimes(Duration stable, Duration waitForCt) {
        return new DoseJobsConfig(enabled, onArrival, uncertainty, seed, maxHistories, stable, waitForCt,
                bitsAllocated, gridMm, errorDose, huCalibration, threads, takeover, calibrationHistories);
    }

    /** The same with the on-arrival rule on or off. */
    public DoseJobsConfig withOnArrival(boolean on) {
        return new DoseJobsConfig(enabled, on, uncertainty, seed, maxHistories, stable, waitForCt, bitsAllocated,
                gridMm, errorDose, huCalibration, threads, takeover, calibrationHistories);
    }

    /** The same with the service on or off. */
    public DoseJobsConfig withEnabled(boolean on) {
        return new DoseJobsConfig(on, onArrival, uncertainty, seed, maxHistories, stable, waitForCt, bitsAllocated,
                gridMm, errorDose, huCalibration, threads, takeover, calibrationHistories);
    }

    /** The same with another takeover grace period (tests). */
    public DoseJobsConfig withTakeover(Duration grace) {
        return new DoseJobsConfig(enabled, onArrival, uncertainty, seed, maxHistories, stable, waitForCt, bitsAllocated,
                gridMm, errorDose, huCalibration, threads, grace, calibrationHistories);
    }

    /** Threads of the local executor: the setting, or all cores. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    private static String text(Properties p, String key, String def) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? def : v.trim();
    }

    private static boolean bool(Properties p, String key, boolean def) {
        String v = text(p, key, Boolean.toString(def)).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, not '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private static double number(Properties p, String key, double def, double min, double max) {
        String v = text(p, key, null);
        if (v == null) {
            return def;
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, not '" + v + "'");
        }
        if (!(d >= min && d <= max)) {
            throw new IllegalArgumentException(key + " must be between " + fmt(min) + " and " + fmt(max) + ", not " + v);
        }
        return d;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
