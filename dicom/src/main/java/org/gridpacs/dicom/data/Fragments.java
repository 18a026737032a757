package org.gridpacs.dicom.data;

import java.util.ArrayList;

/**
 * Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table item followed by one or more fragments, kept
 * exactly as received. Each element is a {@code byte[]} or a {@link BulkData} reference.
 */
public final class Fragments extends ArrayList<Object> {
    private final VR vr;

    public Fragments(VR vr) {
        this.vr = vr;
    }

    /** The VR of the Pixel Data element itself (OB, sometimes OW in old files). */
    public VR vr() {
        return vr;
    }
}
