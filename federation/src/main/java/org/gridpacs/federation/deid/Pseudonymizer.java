package org.gridpacs.federation.deid;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.gridpacs.dicom.data.UIDs;

/**
 * Consistent replacement of UIDs (action U) and of the Patient ID: HMAC-SHA256 of the original value, keyed
 * by a secret of this site and the destination site. Deterministic rather than random so that every export of
 * one study to one site agrees (a series sent next week still references the plan sent today, a resent
 * instance replaces itself instead of appearing twice), while another destination, or anyone without the
 * key, cannot link the new UIDs to the originals or to what other sites received. A new UID is
 * {@code 2.25.} followed by 128 bits of the HMAC as a decimal integer (PS3.5 B.2). UIDs registered in PS3.6
 * (SOP classes, transfer syntaxes, coding schemes, well-known instances) are never replaced.
 *
 * <p>Thread-safe; remembers the mappings it made (for the audit record of an export).
 */
public final class Pseudonymizer {
    private final byte[] key;
    private final ThreadLocal<Mac> macs;
    private final Map<String, String> uids = new ConcurrentHashMap<>();

    private Pseudonymizer(byte[] key) {
        this.key = key;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /**
     * The pseudonymizer for exports from this site to {@code destinationSite}: the key is
     * HMAC(siteSecret, destinationSite), so that each destination gets its own UIDs and pseudonyms.
     */
    public static Pseudonymizer forDestination(byte[] siteSecret, String destinationSite) {
        if (siteSecret == null || siteSecret.length < 16) {
            throw new IllegalArgumentException("the site's de-identification secret must have at least 16 bytes");
        }
        if (destinationSite == null || destinationSite.isBlank()) {
            throw new IllegalArgumentException("destination site name missing");
        }
        return new Pseudonymizer(hmac(siteSecret, ("gridpacs-deid:" + destinationSite).getBytes(StandardCharsets.UTF_8)));
    }

    /** The new UID for an original one; the same original always gives the same new UID. */
    public String uid(String original) {
        String u = trim(original);
        if (u.isEmpty() || UIDs.typeOf(u) != null) {
            return u;
        }
        return uids.computeIfAbsent(u, this::newUid);
    }

    private String newUid(String original) {
        byte[] h = mac("uid:" + original);
        return "2.25." + new BigInteger(1, Arrays.copyOf(h, 16));
    }

    /** A pseudonymous Patient ID for an original Patient ID and its issuer (either may be empty). */
    public String patientId(String issuer, String originalId) {
        byte[] h = mac("pid:" + trim(issuer) + "\\" + trim(originalId));
        StringBuilder sb = new StringBuilder("GP");
        for (int i = 0; i < 8; i++) {
            sb.append(String.format("%02X", h[i]));
        }
        return sb.toString();
    }

    /** The UID mappings made so far (original to new); a copy. */
    public Map<String, String> uidMappings() {
        return Map.copyOf(uids);
    }

    private byte[] mac(String input) {
        return macs.get().doFinal(input.getBytes(StandardCharsets.UTF_8));
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String trim(String s) {
        if (s == null) {
            return "";
        }
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) <= ' ')) {
            end--;
        }
        return s.substring(0, end).trim();
    }

    /** Two pseudonymizers agree when their keys are equal; compared in constant time. */
    public boolean sameKeyAs(Pseudonymizer other) {
        return MessageDigest.isEqual(key, other.key);
    }

    @Override
    public String toString() {
        return "Pseudonymizer[key hidden, " + uids.size() + " UIDs mapped]";
    }
}
