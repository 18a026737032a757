package org.gridpacs.replication.tls;

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
import java.security.UnrecoverableKeyException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** PKCS#12 files: read with errors that name the file, written atomically and (for keys) readable by the owner only. */
final class KeyStores {
    private KeyStores() {
    }

    static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist (make it with scripts/cluster-certs)", e);
        } catch (AccessDeniedException e) {
            throw new IOException(file + " cannot be read: permission denied", e);
        } catch (IOException e) {
            boolean badPassword = e.getCause() instanceof UnrecoverableKeyException;
            throw new IOException(file + ": " + (badPassword ? "wrong password" : "not a PKCS#12 key store (" + e.getMessage() + ")"), e);
        }
        return ks;
    }

    /** The single private-key entry of a node's or the CA's key store. */
    static KeyStore.PrivateKeyEntry privateKey(KeyStore ks, char[] password, Path file) throws IOException, GeneralSecurityException {
        List<String> keys = new ArrayList<>();
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias)) {
                keys.add(alias);
            }
        }
        if (keys.size() != 1) {
            throw new IOException(file + " must hold one private key, not " + keys.size());
        }
        return (KeyStore.PrivateKeyEntry) ks.getEntry(keys.get(0), new KeyStore.PasswordProtection(password));
    }

    /** Writes {@code ks} to a temporary file and renames it, so a crash leaves the old file or the new one. */
    static void store(KeyStore ks, Path file, char[] password, boolean secret) throws IOException, GeneralSecurityException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        try {
            permissions(tmp, secret ? "rw-------" : "rw-r--r--");
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
