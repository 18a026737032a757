package org.gridpacs.http.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A stored password: PBKDF2-HMAC-SHA256 with a random salt, written {@code pbkdf2-sha256:ITERATIONS:SALT:HASH}
 * (Base64). Only the hash is ever stored; comparing is constant-time.
 */
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {
    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    public static final int ITERATIONS = 600_000;
    private static final String PREFIX = "pbkdf2-sha256";

    /** Hashes a new password with a fresh salt. */
    public static PasswordHash of(char[] password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return new PasswordHash(ITERATIONS, salt, derive(password, salt, ITERATIONS));
    }

    /** Parses the stored form; IllegalArgumentException naming what is wrong. */
    public static PasswordHash parse(String stored) {
        String[] p = stored.trim().split(":");
        if (p.length != 4 || !p[0].equals(PREFIX)) {
            throw new IllegalArgumentException("not a " + PREFIX + ":ITERATIONS:SALT:HASH password hash");
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            return new PasswordHash(Integer.parseInt(p[1]), b64.decode(p[2]), b64.decode(p[3]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a damaged password hash: " + e.getMessage());
        }
    }

    public boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations));
    }

    @Override
    public String toString() {
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + ":" + iterations + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
            try {
                return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this Java", e);
        }
    }
}
