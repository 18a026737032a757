package org.gridpacs.federation.deid;

import java.nio.charset.StandardCharsets;

import org.gridpacs.dicom.data.VR;

/**
 * Dummy values for action D (PS3.15 E.3.1: non-zero length, consistent with the VR, identifying nothing).
 * Fixed values rather than random ones: a dummy carries no information either way, and equal inputs give
 * equal outputs.
 */
final class DummyValues {
    static final String TEXT = "ANONYMIZED";

    private DummyValues() {
    }

    /** The encoded dummy for a VR (ASCII, valid in every character set), or null for UI and SQ. */
    static byte[] of(VR vr) {
        String s = switch (vr) {
            case AE, CS, LO, LT, PN, SH, ST, UC, UT -> TEXT;
            case AS -> "000D";
            case DA -> "19000101";
            case DT -> "19000101000000";
            case TM -> "000000";
            case DS, IS -> "0";
            case UR -> "urn:x-anonymized";
            default -> null;
        };
        if (s != null) {
            return pad(s.getBytes(StandardCharsets.US_ASCII));
        }
        if (vr == VR.UI || vr == VR.SQ) {
            return null;
        }
        // binary: one zero value of the VR's width (a single byte pair for OB/UN)
        return new byte[Math.max(2, vr.valueWidth())];
    }

    private static byte[] pad(byte[] b) {
        if ((b.length & 1) == 0) {
            return b;
        }
        byte[] p = java.util.Arrays.copyOf(b, b.length + 1);
        p[b.length] = ' ';
        return p;
    }
}
