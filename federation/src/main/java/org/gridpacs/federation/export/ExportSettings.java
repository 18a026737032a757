package org.gridpacs.federation.export;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.Permission;
import org.gridpacs.federation.site.RemoteSite;

/**
 * The exchange's settings in {@code conf/federation.properties}: {@code federation.export.*} (the sender's retries,
 * the de-identification secret) and {@code federation.forward.*} (forwarding rules). Every error names the key.
 *
 * @param secretFile   the site secret of de-identification (keyed UIDs and pseudonyms); made on first use
 * @param retryInitial the first wait after a failed attempt, doubled at each failure up to {@code retryMax}
 * @param maxAttempts  attempts before an export is FAILED; 0: never given up (the site may be down for days)
 * @param quiet        how long a study must have received nothing before the forwarding rules look at it
 */
public record ExportSettings(Path secretFile, Duration retryInitial, Duration retryMax, int maxAttempts,
                             Duration quiet, List<ForwardRule> rules) {
    static final String SECRET = "federation.export.secret-file";
    static final String RETRY_INITIAL = "federation.export.retry-initial-seconds";
    static final String RETRY_MAX = "federation.export.retry-max-seconds";
    static final String MAX_ATTEMPTS = "federation.export.max-attempts";
    static final String QUIET = "federation.forward.quiet-seconds";
    private static final Set<String> EXPORT_KEYS = Set.of(SECRET, RETRY_INITIAL, RETRY_MAX, MAX_ATTEMPTS);
    private static final Pattern RULE = Pattern.compile("federation\\.forward\\.([A-Za-z0-9_-]+)\\.([a-z-]+)");
    private static final Set<String> RULE_KEYS = Set.of("match", "to", "deidentify");

    public ExportSettings {
        rules = List.copyOf(rules);
    }

    /** Reads {@code file}; relative paths in {@code runDir}; rules checked against the sites of {@code sites}. */
    public static ExportSettings load(Path file, Path runDir, FederationSettings sites) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist", e);
        }
        try {
            return parse(p, runDir, sites);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    static ExportSettings parse(Properties p, Path runDir, FederationSettings sites) {
        Map<String, Map<String, String>> blocks = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            String value = p.getProperty(key).strip();
            if (key.startsWith("federation.export.") && !EXPORT_KEYS.contains(key)) {
                throw new IllegalArgumentException(key + ": unknown setting (" + String.join(", ",
                        new TreeMap<>(Map.of(SECRET, 1, RETRY_INITIAL, 1, RETRY_MAX, 1, MAX_ATTEMPTS, 1)).keySet()) + ")");
            }
            if (key.startsWith("federation.forward.") && !key.equals(QUIET)) {
                Matcher m = RULE.matcher(key);
                if (!m.matches() || !RULE_KEYS.contains(m.group(2))) {
                    throw new IllegalArgumentException(key + ": unknown setting (federation.forward.<n>.match, .to,"
                            + " .deidentify, or federation.forward.quiet-seconds)");
                }
                blocks.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(m.group(2), value);
            }
        }
        List<ForwardRule> rules = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> b : blocks.entrySet()) {
            String k = "federation.forward." + b.getKey() + ".";
            Map<String, String> v = b.getValue();
            for (String required : List.of("match", "to")) {
                if (v.get(required) == null || v.get(required).isEmpty()) {
                    throw new IllegalArgumentException(k + required + ": missing (a rule needs match and to)");
                }
            }
            RemoteSite to = sites.remote(v.get("to")).orElseThrow(() -> new IllegalArgumentException(k + "to: '"
                    + v.get("to") + "' is not a remote site of federation.remote.* (by name or id)"));
            if (!to.mayThere(Permission.SEND)) {
                throw new IllegalArgumentException(k + "to: we may not send to " + to.name() + " (add send to its"
                        + " federation.remote." + to.id() + ".may-there)");
            }
            ExportProfile profile;
            try {
                // de-identified unless the rule says none: the safe side when the setting is forgotten
                profile = ExportProfile.parse(v.getOrDefault("deidentify", "basic"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(k + "deidentify: " + e.getMessage());
            }
            rules.add(new ForwardRule(b.getKey(), ForwardRule.parseMatch(k + "match", v.get("match")), to.name(),
                    profile));
        }
        String secret = p.getProperty(SECRET, "federation/export-secret").strip();
        return new ExportSettings(runDir.resolve(secret), Duration.ofSeconds(seconds(p, RETRY_INITIAL, 5, 1)),
                Duration.ofSeconds(seconds(p, RETRY_MAX, 600, 1)), (int) seconds(p, MAX_ATTEMPTS, 0, 0),
                Duration.ofSeconds(seconds(p, QUIET, 60, 0)), rules);
    }

    private static long seconds(Properties p, String key, long dflt, long min) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n >= min && n <= 100_000_000L) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(key + ": '" + v.strip() + "' is not a whole number of at least " + min);
    }

    /** The wait after the {@code attempts}-th failure in a row: doubled each time, at most {@link #retryMax}. */
    public Duration backoff(int attempts) {
        long ms = retryInitial.toMillis() << Math.min(Math.max(attempts - 1, 0), 30);
        return Duration.ofMillis(Math.min(ms, retryMax.toMillis()));
    }

    /** Settings for tests and defaults: no rules. */
    public static ExportSettings of(Path secretFile, Duration retryInitial, Duration retryMax, Duration quiet,
                                    List<ForwardRule> rules) {
        return new ExportSettings(secretFile, retryInitial, retryMax, 0, quiet, rules);
    }
}
