package org.gridpacs.dicom.net.pdu;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * SOP Class Common Extended Negotiation sub-item (0x57, PS3.7 D.3.3.6), kept as the raw bytes that
 * follow the item length (SOP class UID, service class UID and related general SOP classes, each with
 * its own 16-bit length). Nothing in the upper layer needs the parts, so they are not parsed.
 */
public record CommonExtendedNegotiation(byte[] value) {
    public CommonExtendedNegotiation {
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    byte[] valueUnsafe() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CommonExtendedNegotiation c && Arrays.equals(value, c.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "CommonExtendedNegotiation[" + HexFormat.of().formatHex(value) + "]";
    }
}
