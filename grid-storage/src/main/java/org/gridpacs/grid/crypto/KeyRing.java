package org.gridpacs.grid.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * The hospital's master keys for grid storage: AES-256 secret keys in a PKCS12 key store, each under an alias
 * that is its key id (written into every object it protects). New objects use the <em>current</em> key; older
 * keys stay in the ring to read the objects they protect, so keys rotate by adding a key and making it current.
 * The store's password is read from a file (never a setting's value, never logged). Loaded once, immutable.
 */
public final class KeyRing {
    /** The settings a node reads (conf/grid.properties), named in errors. */
    public static final String KEYSTORE_SETTING = "grid.keystore";
    public static final String PASSWORD_FILE_SETTING = "grid.keystore.password-file";
    public static final String CURRENT_KEY_SETTING = "grid.key.current";

    /** PKCS12 aliases are case-insensitive (stored lowercase): key ids are lowercase from the start. */
    private static final Pattern KEY_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final DateTimeFormatter NEW_ID =
            DateTimeFormatter.ofPattern("'key-'uuuuMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path source;
    private final Map<String, SecretKey> keys;
    private final String current;

    private KeyRing(Path source, Map<String, SecretKey> keys, String current) {
        this.source = source;
        this.keys = Collections.unmodifiableMap(keys);
        this.current = current;
    }

    /**
     * Loads the ring. {@code currentKeyId} null or blank means the newest key of the store. A missing file, a
     * wrong password, or a current key id the store lacks is an {@link IOException} naming the setting at fault.
     */
    public static KeyRing load(Path keystore, Path passwordFile, String currentKeyId) throws IOException {
        char[] password = readPassword(passwordFile);
        KeyStore ks = open(keystore, password);
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        String newest = null;
        Date newestDate = null;
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (!ks.isKeyEntry(alias)) {
                    continue;
                }
                java.security.Key k = ks.getKey(alias, password);
                if (k instanceof SecretKey sk && "AES".equalsIgnoreCase(sk.getAlgorithm())
                        && sk.getEncoded() != null && sk.getEncoded().length == 32) {
                    keys.put(alias, sk);
                    Date d = ks.getCreationDate(alias);
                    if (newest == null || (d != null && newestDate != null && d.after(newestDate))
                            || (d != null && d.equals(newestDate) && alias.compareTo(newest) > 0)) {
                        newest = alias;
                        newestDate = d;
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(KEYSTORE_SETTING + " " + keystore + ": cannot read its keys: " + e.getMessage(), e);
        }
        String current = currentKeyId == null || currentKeyId.isBlank() ? newest : currentKeyId.trim();
        if (current == null) {
            throw new IOException(KEYSTORE_SETTING + " " + keystore + " holds no AES-256 key (add one: KeyRingTool add)");
        }
        if (!keys.containsKey(current)) {
            throw new IOException(CURRENT_KEY_SETTING + ": key id \"" + current + "\" is not in the key ring "
                    + keystore + " (it has " + new ArrayList<>(keys.keySet()) + ")");
        }
        return new KeyRing(keystore, keys, current);
    }

    /** The key id new objects are encrypted under. */
    public String currentKeyId() {
        return current;
    }

    SecretKey currentKey() {
        return keys.get(current);
    }

    /** The master key {@code keyId}, or an {@link IOException} naming it and this ring's file. */
    SecretKey key(String keyId, String object) throws IOException {
        SecretKey k = keyId == null ? null : keys.get(keyId);
        if (k == null) {
            throw new IOException(object + " is encrypted under key id \"" + keyId + "\", which is not in the key ring "
                    + source + " (" + KEYSTORE_SETTING + "; it has " + new ArrayList<>(keys.keySet()) + ")");
        }
        return k;
    }

    /** Every key id, in store order. */
    public List<String> keyIds() {
        return List.copyOf(keys.keySet());
    }

    /**
     * Adds a new random AES-256 key to {@code keystore} (created if missing; so is the password file, with a random
     * password readable by its owner only) and returns its id: {@code keyId}, or one made from the time when null.
     * The new key is not made current here: that is {@value #CURRENT_KEY_SETTING} (or the newest key when unset).
     */
    public static String addNewKey(Path keystore, Path passwordFile, String keyId) throws IOException {
        String id = keyId == null || keyId.isBlank() ? NEW_ID.format(Instant.now()) : keyId.trim();
        if (!KEY_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("key id \"" + id + "\": lowercase letters, digits, '.', '_', '-' only");
        }
        if (!Files.exists(passwordFile)) {
            byte[] b = new byte[24];
            RANDOM.nextBytes(b);
            writePrivate(passwordFile, (HexFormat.of().formatHex(b) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        char[] password = readPassword(passwordFile);
        KeyStore ks;
        try {
            if (Files.exists(keystore)) {
                ks = open(keystore, password);
            } else {
                ks = KeyStore.getInstance("PKCS12");
                ks.load(null, password);
            }
            if (ks.containsAlias(id)) {
                throw new IllegalArgumentException("key id \"" + id + "\" is already in " + keystore);
            }
            KeyGenerator gen = KeyGenerator.getInstance("AES");
            gen.init(256, RANDOM);
            ks.setEntry(id, new KeyStore.SecretKeyEntry(gen.generateKey()), new KeyStore.PasswordProtection(password));
            Path dir = keystore.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".keystore", ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    ks.store(out, password);
                }
                Files.move(tmp, keystore, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(KEYSTORE_SETTING + " " + keystore + ": cannot add a key: " + e.getMessage(), e);
        }
        return id;
    }

    private static KeyStore open(Path keystore, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return ks;
        } catch (NoSuchFileException e) {
            throw new IOException(KEYSTORE_SETTING + ": no key store at " + keystore, e);
        } catch (GeneralSecurityException | IOException e) {
            // a wrong password surfaces as an IOException with an UnrecoverableKeyException cause
            throw new IOException(KEYSTORE_SETTING + " " + keystore + ": cannot open it (wrong password in "
                    + PASSWORD_FILE_SETTING + "?): " + e.getMessage(), e);
        }
    }

    private static char[] readPassword(Path passwordFile) throws IOException {
        try {
            String s = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) {
                throw new IOException(PASSWORD_FILE_SETTING + ": " + passwordFile + " is empty");
            }
            return s.toCharArray();
        } catch (NoSuchFileException e) {
            throw new IOException(PASSWORD_FILE_SETTING + ": no password file at " + passwordFile, e);
        }
    }

    private static void writePrivate(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.write(file, content);
    }

    @Override
    public String toString() {
        return "key ring " + source + " (current key " + current + ", " + keys.size() + " keys)";
    }
}
