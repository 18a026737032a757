package org.gridpacs.grid;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

import org.gridpacs.grid.crypto.KeyRing;
import org.gridpacs.grid.offsite.Backoff;
import org.gridpacs.grid.s3.S3Location;
import org.gridpacs.grid.s3.S3Settings;

/**
 * The grid tier as {@code conf/grid.properties} describes it: whether it is on, where (an {@code s3://bucket/prefix}
 * location and the S3 endpoint, {@link S3Settings}), the hospital's key ring, and the off-site copy's policy. Every
 * key has a default that works with the s3proxy {@code scripts/run} starts; an error names the key.
 *
 * @param keystore       the key ring ({@value KeyRing#KEYSTORE_SETTING}); created with one key when missing
 * @param passwordFile   its password ({@value KeyRing#PASSWORD_FILE_SETTING}); created, mode 600, when missing
 * @param currentKey     {@value KeyRing#CURRENT_KEY_SETTING}, null for the newest key
 */
public record GridSettings(boolean enabled, String location, S3Settings s3, Path keystore, Path passwordFile,
                           String currentKey, boolean offsiteCopy, Backoff backoff,
                           org.gridpacs.grid.tier.TierPolicy tier) {
    /** The storage id of the grid in location rows and the storage registry, the same on every node. */
    public static final String STORAGE_ID = "grid";
    public static final String ENABLED = "grid.enabled";
    public static final String LOCATION = "grid.location";
    public static final String OFFSITE = "grid.offsite.enabled";
    public static final String RETRY_FIRST = "grid.offsite.retry.first-seconds";
    public static final String RETRY_MAX = "grid.offsite.retry.max-seconds";
    public static final String DEFAULT_LOCATION = "s3://gridpacs/archive";
    /** The loopback port of the s3proxy scripts/run starts. */
    public static final int DEFAULT_PORT = 9480;

    public static final GridSettings OFF = new GridSettings(false, DEFAULT_LOCATION, null, null, null, null, false,
            new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5)), org.gridpacs.grid.tier.TierPolicy.OFF);

    /**
     * From {@code p}; relative paths are resolved against {@code base} (the run folder scripts/run uses: the one with
     * {@code grid/} in it).
     */
    public static GridSettings fromProperties(Properties p, Path base) throws IOException {
        if (!bool(p, ENABLED, true)) {
            return OFF;
        }
        Properties withDefaults = new Properties();
        withDefaults.setProperty(S3Settings.ENDPOINT, "http://127.0.0.1:" + DEFAULT_PORT);
        withDefaults.setProperty(S3Settings.ACCESS_KEY, "gridpacs");
        withDefaults.setProperty(S3Settings.SECRET_KEY_FILE, "grid/s3-credential");
        for (String k : p.stringPropertyNames()) {
            if (!p.getProperty(k).isBlank()) {
                withDefaults.setProperty(k, p.getProperty(k));
            }
        }
        String location = text(withDefaults, LOCATION, DEFAULT_LOCATION);
        try {
            S3Location.parse(STORAGE_ID, location);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(LOCATION + ": " + e.getMessage());
        }
        S3Settings s3 = S3Settings.fromProperties(withDefaults, base);
        Path keystore = base.resolve(text(withDefaults, KeyRing.KEYSTORE_SETTING, "grid/keys/grid-keys.p12"));
        Path password = base.resolve(text(withDefaults, KeyRing.PASSWORD_FILE_SETTING, "grid/keys/grid-keys.password"));
        String current = text(withDefaults, KeyRing.CURRENT_KEY_SETTING, "");
        int first = integer(withDefaults, RETRY_FIRST, 1);
        int max = integer(withDefaults, RETRY_MAX, 300);
        Backoff backoff;
        try {
            backoff = new Backoff(Duration.ofSeconds(first), Duration.ofSeconds(max));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(RETRY_FIRST + " / " + RETRY_MAX + ": " + e.getMessage());
        }
        return new GridSettings(true, location, s3, keystore, password, current.isEmpty() ? null : current,
                bool(withDefaults, OFFSITE, true), backoff, org.gridpacs.grid.tier.TierPolicy.fromProperties(withDefaults));
    }

    private static String text(Properties p, String key, String def) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? def : v.strip();
    }

    private static boolean bool(Properties p, String key, boolean def) {
        String v = text(p, key, Boolean.toString(def)).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, not '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private static int integer(Properties p, String key, int def) {
        String v = text(p, key, Integer.toString(def));
        try {
            int i = Integer.parseInt(v);
            if (i < 1) {
                throw new IllegalArgumentException(key + " must be at least 1, not " + i);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number of seconds, not '" + v + "'");
        }
    }

    @Override
    public String toString() {
        return enabled ? "grid " + location + " on " + s3 + ", key ring " + keystore + ", off-site copy "
                + (offsiteCopy ? "on" : "off") : "grid off";
    }
}
