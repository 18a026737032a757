package org.gridpacs.dicom.io;

import java.util.Map;

/**
 * How a data set is encoded (PS3.5 section 10): VR explicit or implicit, byte order, deflate, and whether
 * pixel data is encapsulated. Every transfer syntax other than the four native ones is explicit VR little
 * endian with encapsulated pixel data, which is all the encoder needs to pass compressed data through.
 */
public record TransferSyntax(String uid, String name, boolean explicitVR, boolean bigEndian, boolean deflated,
                             boolean encapsulated) {

    public static final TransferSyntax IMPLICIT_VR_LITTLE_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, false);
    public static final TransferSyntax EXPLICIT_VR_LITTLE_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, false);
    public static final TransferSyntax DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, false);
    public static final TransferSyntax EXPLICIT_VR_BIG_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, false);

    private static final Map<String, TransferSyntax> NATIVE = Map.of(
            IMPLICIT_VR_LITTLE_ENDIAN.uid, IMPLICIT_VR_LITTLE_ENDIAN,
            EXPLICIT_VR_LITTLE_ENDIAN.uid, EXPLICIT_VR_LITTLE_ENDIAN,
            DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.uid, DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
            EXPLICIT_VR_BIG_ENDIAN.uid, EXPLICIT_VR_BIG_ENDIAN);

    /** The transfer syntax for a UID; any UID not one of the four native syntaxes is taken as encapsulated. */
    public static TransferSyntax of(String uid) {
        if (uid == null || uid.isBlank()) {
            throw new IllegalArgumentException("missing transfer syntax UID");
        }
        String u = uid.trim();
        TransferSyntax ts = NATIVE.get(u);
        if (ts != null) {
            return ts;
        }
        String name = org.gridpacs.dicom.data.UIDs.nameOf(u);
        return new TransferSyntax(u, name != null ? name : u, true, false, false, true);
    }

    /** True for the native (uncompressed, not deflated) syntaxes that can be converted into one another. */
    public boolean isNative() {
        return !encapsulated && !deflated;
    }

    @Override
    public String toString() {
        return name;
    }
}
