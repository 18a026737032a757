package org.gridpacs.federation.export;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The site secret that keys de-identification (UIDs and pseudonyms, per destination): 32 random bytes in a file
 * of mode 600, made on first use and never logged. Losing it only means later exports no longer agree with earlier
 * ones (a resent study would arrive under new UIDs).
 */
public final class SiteSecret {
    private SiteSecret() {
    }

    /** The secret in {@code file}, made when missing. */
    public static byte[] loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            try {
                Files.write(file, secret, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: left to the folder's protection
                }
            } catch (FileAlreadyExistsException e) {
                // made meanwhile by another start: read it
            }
        }
        byte[] secret = Files.readAllBytes(file);
        if (secret.length < 16) {
            throw new IOException(file + " (federation.export.secret-file) holds " + secret.length
                    + " bytes: at least 16 are needed (delete it to make a new one; earlier exports will not agree)");
        }
        return secret;
    }
}
