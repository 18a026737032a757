package org.gridpacs.pki;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Key store files (PKCS#12; JKS when the name ends in {@code .jks}): read with errors that name the file, written
 * atomically, and readable by the owner only when they hold a private key.
 */
public final class KeyStores {
    /** Who may read a written file: the owner only (private keys), or everyone (certificates alone). */
    public enum Readers { OWNER, ALL }

    private KeyStores() {
    }

    /** An empty PKCS#12 key store, to fill and {@link #store}. */
    private static KeyStore empty() throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e); // no stream, nothing to read
        }
        return ks;
    }

    /**
     * Reads a key store. Every failure is an IOException whose message starts with the file name and says what is
     * wrong; for a missing file its cause is the {@link NoSuchFileException}, so that callers can say how to make one.
     */
    public static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(file.toString().endsWith(".jks") ? "JKS" : "PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new IOException(file + " cannot be read: permission denied", e);
        } catch (IOException e) {
            boolean badPassword = e.getCause() instanceof UnrecoverableKeyException;
            throw new IOException(file + ": " + (badPassword ? "wrong password"
                    : "not a key store (" + e.getMessage() + ")"), e);
        }
        return ks;
    }

    /** The single private-key entry of a key store (an end entity's or a CA's); {@code file} names it in errors. */
    public static KeyStore.PrivateKeyEntry privateKey(KeyStore ks, char[] password, Path file)
            throws IOException, GeneralSecurityException {
        List<String> keys = new ArrayList<>();
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias)) {
                keys.add(alias);
            }
        }
        if (keys.size() != 1) {
            throw new IOException(file + " must hold one private key, not " + keys.size());
        }
        try {
            return (KeyStore.PrivateKeyEntry) ks.getEntry(keys.get(0), new KeyStore.PasswordProtection(password));
        } catch (UnrecoverableKeyException e) {
            throw new IOException(file + ": wrong password for the key " + keys.get(0), e);
        }
    }

    /** The trusted certificates (certificate entries, not key entries) of a trust store. */
    public static List<X509Certificate> trusted(KeyStore trust) throws GeneralSecurityException {
        List<X509Certificate> certs = new ArrayList<>();
        for (String alias : Collections.list(trust.aliases())) {
            if (trust.isCertificateEntry(alias)) {
                certs.add((X509Certificate) trust.getCertificate(alias));
            }
        }
        return certs;
    }

    /** A trust store holding these certificates as trust anchors. */
    public static KeyStore trustStore(String alias, X509Certificate... anchors) throws GeneralSecurityException {
        KeyStore ks = empty();
        for (int i = 0; i < anchors.length; i++) {
            ks.setCertificateEntry(anchors.length == 1 ? alias : alias + "-" + (i + 1), anchors[i]);
        }
        return ks;
    }

    /** A key store holding one private key with its certificate chain (end entity first). */
    public static KeyStore keyStore(String alias, PrivateKey key, char[] password, Certificate... chain)
            throws GeneralSecurityException {
        KeyStore ks = empty();
        ks.setKeyEntry(alias, key, password, chain);
        return ks;
    }

    /** Writes {@code ks} to a temporary file and renames it, so that a crash leaves the old file or the new one. */
    public static void store(KeyStore ks, Path file, char[] password, Readers readers)
            throws IOException, GeneralSecurityException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        try {
            // set before the key is written, so that it is never readable by others, not even for a moment
            permissions(tmp, readers == Readers.OWNER ? "rw-------" : "rw-r--r--");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ks.store(out, password);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void permissions(Path file, String perms) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException | FileSystemException e) {
            // not a POSIX file system: its ACLs are the administrator's business
        }
    }
}
