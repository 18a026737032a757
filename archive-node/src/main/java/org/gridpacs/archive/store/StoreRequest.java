package org.gridpacs.archive.store;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;

/** One instance to store, as the protocol adapter received it (C-STORE command, STOW-RS part). */
public record StoreRequest(String sopClassUID, String sopInstanceUID, String transferSyntaxUID, String callingAETitle) {

    /**
     * The request for a data set built in memory: its own SOP Class and SOP Instance UIDs, to be stored in
     * {@code transferSyntaxUID}; {@code origin} stands where a C-STORE has its calling AE title (the dose
     * service's AE title, say).
     */
    public static StoreRequest of(DataSet dataSet, String transferSyntaxUID, String origin) {
        return new StoreRequest(dataSet.getString(Tag.SOPClassUID), dataSet.getString(Tag.SOPInstanceUID),
                transferSyntaxUID, origin);
    }
}
