package org.gridpacs.dicom.net;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;

/**
 * One incoming DIMSE request as a service handler sees it: the association (calling and called AE titles,
 * remote address), the presentation context and its negotiated transfer syntax, and the command set.
 */
public record DimseRequest(Association association, int presentationContextId, String transferSyntaxUID,
                           DataSet command) {

    public String callingAETitle() {
        return association.callingAETitle();
    }

    public String calledAETitle() {
        return association.calledAETitle();
    }

    public int messageID() {
        return command.getInt(Tag.MessageID, 0);
    }

    public String sopClassUID() {
        String s = command.getString(Tag.AffectedSOPClassUID);
        return s != null ? s : command.getString(Tag.RequestedSOPClassUID);
    }

    public String sopInstanceUID() {
        String s = command.getString(Tag.AffectedSOPInstanceUID);
        return s != null ? s : command.getString(Tag.RequestedSOPInstanceUID);
    }

    /** Move Originator Application Entity Title (0000,1030): set when a C-STORE is a C-MOVE sub-operation. */
    public String moveOriginatorAETitle() {
        return command.getString(Tag.MoveOriginatorApplicationEntityTitle);
    }

    public int priority() {
        return command.getInt(Tag.Priority, 0);
    }
}
