package org.gridpacs.http.auth;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The people and programs allowed on the user HTTP endpoints (dose jobs, DICOMweb, the viewer): a properties file
 * of {@code NAME = pbkdf2-sha256:... ROLE} lines ({@code conf/http-users.properties}, made by {@code pacs http-user}),
 * shared by the nodes of a cluster so that any node behind the load balancer knows the same accounts. ROLE is
 * {@code read}, {@code upload} or {@code admin} ({@link AccountRole}); a line without one (written before roles
 * existed) is {@code admin}, the rights such an account always had.
 *
 * <p>PBKDF2 is slow on purpose (a tenth of a second here), and HTTP Basic sends the password with every request,
 * so a successful check is remembered for a few minutes under a SHA-256 of (name, password, salt): a viewer loading
 * hundreds of images does not pay it hundreds of times, and nothing reversible is kept in memory.
 *
 * <p>The file is read again when it changes (checked at most every two seconds), so an administrator adds or
 * removes an account without restarting the nodes; a damaged file keeps the accounts read before, with an error log.
 */
public final class UserAccounts {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UserAccounts.class);
    private static final long REMEMBER_NANOS = 5L * 60 * 1_000_000_000L;
    private static final long RECHECK_NANOS = 2_000_000_000L;
    private final Path file;
    private volatile Map<String, Account> users;
    private volatile long checkedAt;
    private volatile java.nio.file.attribute.FileTime readVersion;
    private final Map<String, Long> remembered = new ConcurrentHashMap<>();

    /** One line of the file: the password's hash and the account's role. */
    public record Account(PasswordHash hash, AccountRole role) {
        @Override
        public String toString() {
            return hash + " " + role.word();
        }
    }

    private UserAccounts(Path file, Map<String, Account> users) {
        this.file = file;
        this.users = Collections.unmodifiableMap(users);
        this.checkedAt = System.nanoTime();
    }

    /** No accounts: every protected endpoint refuses everyone. */
    public static UserAccounts none() {
        return new UserAccounts(null, Map.of());
    }

    /** Reads the accounts file; a missing file means no accounts. IOException naming a damaged line. */
    public static UserAccounts load(Path file) throws IOException {
        java.nio.file.attribute.FileTime version = modified(file);
        UserAccounts a = new UserAccounts(file, read(file));
        a.readVersion = version;
        return a;
    }

    public boolean isEmpty() {
        return current().isEmpty();
    }

    public java.util.Set<String> names() {
        return current().keySet();
    }

    /** The account names and their roles, sorted by name. */
    public Map<String, AccountRole> roles() {
        Map<String, AccountRole> out = new TreeMap<>();
        current().forEach((name, a) -> out.put(name, a.role()));
        return out;
    }

    /** The role of an account as the file says now; null when there is no such account (any more). */
    public AccountRole roleOf(String name) {
        Account a = current().get(name);
        return a == null ? null : a.role();
    }

    /** The caller {@code name} is, with the rights of its role, if {@code password} is its password; else null. */
    public Caller login(String name, char[] password) {
        Account a = current().get(name);
        return a != null && authenticate(name, password) ? new Caller(name, a.role().rights()) : null;
    }

    /** Whether {@code name} exists and {@code password} is its password. */
    public boolean authenticate(String name, char[] password) {
        Account a = current().get(name);
        if (a == null) {
            return false;
        }
        PasswordHash h = a.hash();
        String key = rememberKey(name, password, h);
        Long until = remembered.get(key);
        long now = System.nanoTime();
        if (until != null && until - now > 0) {
            return true;
        }
        if (!h.matches(password)) {
            return false;
        }
        if (remembered.size() > 10_000) {
            remembered.clear(); // bounded: a flood of distinct good passwords cannot grow it
        }
        remembered.put(key, now + REMEMBER_NANOS);
        return true;
    }

    /**
     * Adds an account or sets a new password: an existing account keeps its role, a new one is {@code admin} (the
     * meaning of a line without a role). See {@link #put(Path, String, char[], AccountRole)}.
     */
    public static void put(Path file, String name, char[] password) throws IOException {
        put(file, name, password, null);
    }

    /**
     * Adds or replaces an account in the file (written atomically, readable by its owner only); {@code role} null
     * keeps an existing account's role and makes a new one {@code admin}.
     */
    public static void put(Path file, String name, char[] password, AccountRole role) throws IOException {
        if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw new IllegalArgumentException("an account name is 1 to 64 letters, digits or . _ @ -, not '" + name + "'");
        }
        if (password.length < 8) {
            throw new IllegalArgumentException("a password needs at least 8 characters");
        }
        Map<String, Account> all = new TreeMap<>(read(file));
        AccountRole kept = all.containsKey(name) ? all.get(name).role() : AccountRole.ADMIN;
        all.put(name, new Account(PasswordHash.of(password), role != null ? role : kept));
        write(file, all);
    }

    /** Removes an account; false if there was none. */
    public static boolean remove(Path file, String name) throws IOException {
        Map<String, Account> all = new TreeMap<>(read(file));
        if (all.remove(name) == null) {
            return false;
        }
        write(file, all);
        return true;
    }

    /** The accounts, read again if the file changed since the last look (at most every two seconds). */
    private Map<String, Account> current() {
        long now = System.nanoTime();
        if (file == null || now - checkedAt < RECHECK_NANOS) {
            return users;
        }
        synchronized (this) {
            if (now - checkedAt >= RECHECK_NANOS) {
                checkedAt = now;
                try {
                    java.nio.file.attribute.FileTime version = modified(file);
                    if (!java.util.Objects.equals(version, readVersion)) {
                        users = Collections.unmodifiableMap(read(file));
                        readVersion = version;
                        remembered.clear(); // a changed password must not stay remembered
                        LOG.info("HTTP accounts read again from {}: {} account(s)", file, users.size());
                    }
                } catch (IOException e) {
                    LOG.error("Cannot read the HTTP accounts in {}; keeping the {} read before: {}", file, users.size(),
                            e.getMessage());
                }
            }
        }
        return users;
    }

    private static java.nio.file.attribute.FileTime modified(Path file) throws IOException {
        return Files.exists(file) ? Files.getLastModifiedTime(file) : null;
    }

    private static Map<String, Account> read(Path file) throws IOException {
        Map<String, Account> out = new TreeMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        for (String name : p.stringPropertyNames()) {
            try {
                out.put(name, account(p.getProperty(name)));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": account '" + name + "' has " + e.getMessage());
            }
        }
        return out;
    }

    /** {@code HASH [ROLE]}: no role is admin (see the class comment). */
    private static Account account(String value) {
        String[] words = value.trim().split("\\s+");
        if (words.length > 2) {
            throw new IllegalArgumentException("more than a password hash and a role");
        }
        return new Account(PasswordHash.parse(words[0]),
                words.length == 2 ? AccountRole.parse(words[1]) : AccountRole.ADMIN);
    }

    private static void write(Path file, Map<String, Account> all) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".http-users", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's permissions apply
            }
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write("# HTTP accounts of the user endpoints (dose jobs, DICOMweb, viewer): NAME = HASH ROLE, ROLE read,\n"
                        + "# upload or admin (no role: admin). Edit with: pacs http-user\n");
                for (Map.Entry<String, Account> e : all.entrySet()) {
                    w.write(e.getKey() + " = " + e.getValue() + "\n");
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String rememberKey(String name, char[] password, PasswordHash h) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(name.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(new String(password).getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(h.salt());
            return Base64.getEncoder().encodeToString(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
