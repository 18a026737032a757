package org.gridpacs.federation.site;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.security.auth.x500.X500Principal;

/**
 * Parses {@code conf/federation.properties} into {@link FederationSettings}. Every error is an
 * IllegalArgumentException whose message starts with the key. Keys under {@code federation.tls.} and
 * {@code federation.remote.} are checked for typos (an unknown one is an error); other {@code federation.*} keys
 * belong to other parts of the federation (query, retrieve, export, audit) and are left to them.
 */
final class SitesParser {
    static final String ENABLED = "federation.enabled";
    static final String SITE_NAME = "federation.site-name";
    static final String AE_TITLE = "federation.ae-title";
    static final String BIND = "federation.bind";
    static final String PORT = "federation.port";
    static final String KEY_STORE = "federation.tls.key-store";
    static final String TRUST_STORE = "federation.tls.trust-store";
    static final String PASSWORD_FILE = "federation.tls.password-file";
    static final String CRL = "federation.tls.crl";
    static final String REMOTE_CRLS = "federation.tls.remote-crls";
    private static final Set<String> TLS_KEYS = Set.of(KEY_STORE, TRUST_STORE, PASSWORD_FILE, CRL, REMOTE_CRLS);
    private static final Set<String> REMOTE_KEYS = Set.of("name", "ae-title", "host", "port", "issuer", "may-here",
            "may-there");
    private static final Pattern REMOTE = Pattern.compile("federation\\.remote\\.([A-Za-z0-9_-]+)\\.([a-z-]+)");

    /** The defaults: one machine, federation off; the TLS files where {@code pacs federation-certs} puts them. */
    static final Map<String, String> DEFAULTS = Map.of(ENABLED, "false", SITE_NAME, "GridPACS", AE_TITLE, "FEDERATION",
            BIND, "127.0.0.1", PORT, "11762", KEY_STORE, "federation/tls/gateway.p12", TRUST_STORE,
            "federation/tls/trust.p12", PASSWORD_FILE, "federation/tls/password", CRL, "federation/tls/crl.pem",
            REMOTE_CRLS, "");

    private SitesParser() {
    }

    static FederationSettings parse(Properties p, Path runDir) {
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("federation.tls.") && !TLS_KEYS.contains(key)) {
                throw new IllegalArgumentException(key + ": unknown setting (known: " + new TreeMap<>(
                        Map.of(KEY_STORE, 1, TRUST_STORE, 1, PASSWORD_FILE, 1, CRL, 1, REMOTE_CRLS, 1)).keySet() + ")");
            }
            if (key.startsWith("federation.remote.")) {
                Matcher m = REMOTE.matcher(key);
                if (!m.matches() || !REMOTE_KEYS.contains(m.group(2))) {
                    throw new IllegalArgumentException(key + ": unknown setting (a remote site is "
                            + "federation.remote.<id>.<name|ae-title|host|port|issuer|may-here|may-there>, <id> letters, "
                            + "digits, '-' or '_')");
                }
            }
        }
        boolean enabled = bool(p, ENABLED);
        String siteName = siteName(SITE_NAME, get(p, SITE_NAME));
        String aeTitle = aeTitle(AE_TITLE, get(p, AE_TITLE));
        String bind = get(p, BIND);
        if (bind.isEmpty()) {
            throw new IllegalArgumentException(BIND + ": empty (an address of this machine, e.g. 127.0.0.1 or 0.0.0.0)");
        }
        int port = port(PORT, get(p, PORT), true);
        List<Path> remoteCrls = new ArrayList<>();
        for (String f : get(p, REMOTE_CRLS).split(",")) {
            if (!f.isBlank()) {
                remoteCrls.add(path(runDir, f.strip()));
            }
        }
        FederationSettings.TlsFiles tls = new FederationSettings.TlsFiles(path(runDir, required(p, KEY_STORE)),
                path(runDir, required(p, TRUST_STORE)), path(runDir, required(p, PASSWORD_FILE)),
                path(runDir, required(p, CRL)), remoteCrls);
        List<RemoteSite> remotes = remotes(p);
        Set<String> names = new HashSet<>(Set.of(siteName));
        Set<String> aes = new HashSet<>();
        for (RemoteSite r : remotes) {
            String prefix = "federation.remote." + r.id() + ".";
            if (!names.add(r.name())) {
                throw new IllegalArgumentException(prefix + "name: " + r.name() + " is already "
                        + (r.name().equals(siteName) ? "this site's name (" + SITE_NAME + ")" : "another remote site's name"));
            }
            // an acceptor knows a caller by its calling AE title: two sites with one title could not be told apart
            if (!aes.add(r.aeTitle())) {
                throw new IllegalArgumentException(prefix + "ae-title: " + r.aeTitle()
                        + " is already another remote site's AE title; each site's gateway needs its own");
            }
        }
        return new FederationSettings(enabled, siteName, aeTitle, bind, port, tls, remotes);
    }

    private static List<RemoteSite> remotes(Properties p) {
        Set<String> ids = new java.util.TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            Matcher m = REMOTE.matcher(key);
            if (m.matches()) {
                ids.add(m.group(1));
            }
        }
        List<RemoteSite> out = new ArrayList<>();
        for (String id : ids) {
            String k = "federation.remote." + id + ".";
            String issuer = p.getProperty(k + "issuer", "").strip();
            X500Principal issuerName = null;
            if (!issuer.isEmpty()) {
                try {
                    issuerName = new X500Principal(issuer);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(k + "issuer: '" + issuer + "' is not a distinguished name "
                            + "(e.g. CN=Site B CA, O=SITE-B): " + e.getMessage());
                }
            }
            out.add(new RemoteSite(id, siteName(k + "name", required(p, k + "name")),
                    aeTitle(k + "ae-title", required(p, k + "ae-title")), required(p, k + "host"),
                    port(k + "port", required(p, k + "port"), false), issuerName,
                    Permission.parseList(k + "may-here", p.getProperty(k + "may-here", "")),
                    Permission.parseList(k + "may-there", p.getProperty(k + "may-there", ""))));
        }
        return out;
    }

    private static String get(Properties p, String key) {
        return p.getProperty(key, DEFAULTS.getOrDefault(key, "")).strip();
    }

    private static String required(Properties p, String key) {
        String v = get(p, key);
        if (v.isEmpty()) {
            throw new IllegalArgumentException(key + ": missing or empty");
        }
        return v;
    }

    private static boolean bool(Properties p, String key) {
        String v = get(p, key);
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(key + ": '" + v + "' is not true or false");
    }

    private static int port(String key, String v, boolean zeroAllowed) {
        try {
            int port = Integer.parseInt(v);
            if (port >= (zeroAllowed ? 0 : 1) && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(key + ": '" + v + "' is not a TCP port (1 to 65535)");
    }

    /** PS3.5 AE: 1 to 16 characters of the default repertoire, no backslash or control character, not all spaces. */
    static String aeTitle(String key, String v) {
        if (v.isEmpty() || v.length() > 16 || !v.matches("[\\x20-\\x7E&&[^\\\\]]+")) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not an AE title (1 to 16 characters, no "
                    + "backslash or control character)");
        }
        return v;
    }

    /** The certificate's O: at most 64 characters (X.520's upper bound), printable. */
    static String siteName(String key, String v) {
        if (v.isEmpty() || v.length() > 64 || !v.matches("[\\p{L}\\p{N} ._-]+")) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a site name (1 to 64 letters, digits, "
                    + "spaces, '.', '-' or '_')");
        }
        return v;
    }

    private static Path path(Path runDir, String v) {
        Path p = Path.of(v);
        return p.isAbsolute() ? p : runDir.resolve(p);
    }
}
