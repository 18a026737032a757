package org.gridpacs.dicom;

import java.math.BigInteger;
import java.util.UUID;

/** Who we are on the wire and in files: Implementation Class UID and Version Name (PS3.7 D.3.3.2). */
public final class Implementation {
    /** A UUID-derived UID (PS3.5 B.2) fixed for this implementation. */
    public static final String CLASS_UID = "2.25.243262181207051234676786935282754347136";
    public static final String VERSION_NAME = "GRIDPACS_010";

    private Implementation() {
    }

    /** A new globally unique UID under the UUID root 2.25 (PS3.5 B.2). */
    public static String newUID() {
        UUID u = UUID.randomUUID();
        BigInteger hi = BigInteger.valueOf(u.getMostSignificantBits()).and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
        BigInteger lo = BigInteger.valueOf(u.getLeastSignificantBits()).and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
        return "2.25." + hi.shiftLeft(64).or(lo);
    }
}
