package org.gridpacs.grid.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * Envelope encryption of one object: a random AES-256 data key, wrapped (AES key wrap, RFC 3394) by a master key
 * of the {@link KeyRing}, and a random nonce prefix for its segments ({@link SegmentCipher}). All of it is in the
 * object's user metadata, which S3 gives back with every GET, so a ranged read is one request. Nothing in it is
 * secret without the master key.
 */
public record Envelope(String keyId, byte[] wrappedKey, byte[] noncePrefix, int segmentSize) {
    /** The format name; another value is an object this code does not know how to read. */
    public static final String FORMAT = "aes256gcm-seg-v1";
    static final String META_FORMAT = "gp-enc";
    static final String META_KEY_ID = "gp-key-id";
    static final String META_WRAPPED_KEY = "gp-wrapped-key";
    static final String META_NONCE = "gp-nonce";
    static final String META_SEGMENT = "gp-segment";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new envelope and its data key (which only the writer holds, in memory). */
    public record Sealed(Envelope envelope, SecretKey dataKey) {
    }

    /** A new data key under the ring's current key. */
    public static Sealed create(KeyRing ring, int segmentSize) throws IOException {
        try {
            KeyGenerator gen = KeyGenerator.getInstance("AES");
            gen.init(256, RANDOM);
            SecretKey dataKey = gen.generateKey();
            Cipher wrap = Cipher.getInstance("AESWrap");
            wrap.init(Cipher.WRAP_MODE, ring.currentKey());
            byte[] prefix = new byte[SegmentCipher.NONCE_PREFIX];
            RANDOM.nextBytes(prefix);
            return new Sealed(new Envelope(ring.currentKeyId(), wrap.wrap(dataKey), prefix, segmentSize), dataKey);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a data key under key id " + ring.currentKeyId() + ": " + e, e);
        }
    }

    /** The data key, unwrapped with the master key the envelope names; a missing or wrong key is an IOException. */
    public SecretKey dataKey(KeyRing ring, String object) throws IOException {
        SecretKey master = ring.key(keyId, object);
        try {
            Cipher unwrap = Cipher.getInstance("AESWrap");
            unwrap.init(Cipher.UNWRAP_MODE, master);
            return (SecretKey) unwrap.unwrap(wrappedKey, "AES", Cipher.SECRET_KEY);
        } catch (GeneralSecurityException e) {
            // the key wrap's integrity check: the ring has a key of that id, but not the one that wrapped this
            throw new IOException("the data key of " + object + " does not unwrap with key id \"" + keyId
                    + "\" of the key ring: a different key under the same id, or a tampered object", e);
        }
    }

    /** As S3 user metadata (names without the x-amz-meta- prefix). */
    public Map<String, String> toMetadata() {
        Base64.Encoder b64 = Base64.getEncoder();
        return Map.of(META_FORMAT, FORMAT, META_KEY_ID, keyId, META_WRAPPED_KEY, b64.encodeToString(wrappedKey),
                META_NONCE, b64.encodeToString(noncePrefix), META_SEGMENT, Integer.toString(segmentSize));
    }

    /** Read back from an object's user metadata; an object without it (not written here) is an IOException. */
    public static Envelope fromMetadata(Map<String, String> meta, String object) throws IOException {
        String format = meta.get(META_FORMAT);
        if (!FORMAT.equals(format)) {
            throw new IOException(object + " is not an object encrypted by grid storage (format \"" + format
                    + "\" in its metadata, expected \"" + FORMAT + "\")");
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            Envelope e = new Envelope(meta.get(META_KEY_ID), b64.decode(meta.get(META_WRAPPED_KEY)),
                    b64.decode(meta.get(META_NONCE)), Integer.parseInt(meta.get(META_SEGMENT)));
            if (e.keyId == null || e.wrappedKey.length != 40 || e.noncePrefix.length != SegmentCipher.NONCE_PREFIX
                    || e.segmentSize < 1) {
                throw new IllegalArgumentException("bad field");
            }
            return e;
        } catch (RuntimeException e) {
            throw new IOException(object + " has damaged encryption metadata: " + e.getMessage(), e);
        }
    }
}
