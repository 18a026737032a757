package org.gridpacs.federation.audit;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * The audit trail's settings, {@code conf/audit.properties} (every key documented there; every default works on
 * one machine). Relative paths are resolved in the node's data folder. A bad value is refused naming its key.
 *
 * @param enabled       audit.enabled
 * @param logDir        audit.log.dir (relative to the node's data folder)
 * @param fsync         audit.log.fsync: force each record to disk before going on
 * @param segmentBytes  audit.log.segment-mb, in bytes
 * @param maxSegments   audit.log.max-segments: 0 keeps every segment
 * @param syslog        the syslog collector, or null when audit.syslog.enabled is false
 */
public record AuditSettings(boolean enabled, Path logDir, boolean fsync, long segmentBytes, int maxSegments,
        Syslog syslog) {

    /**
     * The syslog collector (RFC 5424 messages, RFC 5425 TLS transport): host, port, our key store (client
     * certificate; optional unless the collector asks for one), the trust store for the collector's certificate.
     */
    public record Syslog(String host, int port, String appName, Path keyStore, Path keyStorePasswordFile,
            Path trustStore, Path trustStorePasswordFile, int connectTimeoutMillis) {
    }

    public static final String FILE = "audit.properties";

    /** Defaults: on, folder {@code audit}, fsync, 64 MiB segments, keep all, no syslog. */
    public static AuditSettings defaults(Path dataDir) {
        return of(new Properties(), dataDir);
    }

    /** Reads the file; the defaults when it does not exist. */
    public static AuditSettings read(Path file, Path dataDir) throws IOException {
        Properties p = new Properties();
        if (file != null && Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        try {
            return of(p, dataDir);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static AuditSettings of(Properties p, Path dataDir) {
        boolean enabled = bool(p, "audit.enabled", true);
        Path dir = dataDir.resolve(text(p, "audit.log.dir", "audit"));
        boolean fsync = bool(p, "audit.log.fsync", true);
        long segment = integer(p, "audit.log.segment-mb", 64, 1, 4096) * 1024L * 1024L;
        int maxSegments = integer(p, "audit.log.max-segments", 0, 0, 1_000_000);
        Syslog syslog = null;
        if (bool(p, "audit.syslog.enabled", false)) {
            String host = text(p, "audit.syslog.host", "");
            if (host.isBlank()) {
                throw new IllegalArgumentException("audit.syslog.host is required when audit.syslog.enabled = true");
            }
            syslog = new Syslog(host, integer(p, "audit.syslog.port", 6514, 1, 65535),
                    text(p, "audit.syslog.app-name", "GridPACS"), path(p, "audit.syslog.keystore", dataDir),
                    path(p, "audit.syslog.keystore.password-file", dataDir),
                    path(p, "audit.syslog.truststore", dataDir),
                    path(p, "audit.syslog.truststore.password-file", dataDir),
                    integer(p, "audit.syslog.connect-timeout-seconds", 5, 1, 300) * 1000);
            if (syslog.trustStore() == null) {
                throw new IllegalArgumentException("audit.syslog.truststore is required when audit.syslog.enabled"
                        + " = true (the collector's CA: RFC 5425 requires TLS)");
            }
        }
        return new AuditSettings(enabled, dir, fsync, segment, maxSegments, syslog);
    }

    private static String text(Properties p, String key, String def) {
        return p.getProperty(key, def).trim();
    }

    private static Path path(Properties p, String key, Path dataDir) {
        String v = text(p, key, "");
        return v.isEmpty() ? null : dataDir.resolve(v);
    }

    private static boolean bool(Properties p, String key, boolean def) {
        String v = text(p, key, String.valueOf(def)).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, not '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private static int integer(Properties p, String key, int def, int min, int max) {
        String v = text(p, key, String.valueOf(def));
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", not " + n);
        }
        return n;
    }
}
