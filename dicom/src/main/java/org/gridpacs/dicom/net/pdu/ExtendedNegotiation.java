package org.gridpacs.dicom.net.pdu;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * SOP Class Extended Negotiation sub-item (0x56, PS3.7 D.3.3.5): service-class specific bytes for one
 * SOP class, kept opaque here. The array is copied in and out so the record stays immutable.
 */
public record ExtendedNegotiation(String sopClassUid, byte[] info) {
    public ExtendedNegotiation {
        Objects.requireNonNull(sopClassUid, "sopClassUid");
        info = info.clone();
    }

    @Override
    public byte[] info() {
        return info.clone();
    }

    int infoLength() {
        return info.length;
    }

    byte[] infoUnsafe() {
        return info;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExtendedNegotiation e && sopClassUid.equals(e.sopClassUid) && Arrays.equals(info, e.info);
    }

    @Override
    public int hashCode() {
        return 31 * sopClassUid.hashCode() + Arrays.hashCode(info);
    }

    @Override
    public String toString() {
        return "ExtendedNegotiation[" + sopClassUid + ", info=" + HexFormat.of().formatHex(info) + "]";
    }
}
