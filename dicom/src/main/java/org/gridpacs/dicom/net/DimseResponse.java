package org.gridpacs.dicom.net;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.net.dimse.Status;

/** A response received by an SCU: its command set and, for C-FIND matches and N-ACTION replies, its data set. */
public record DimseResponse(DataSet command, DataSet dataSet) {

    public int status() {
        return command.getInt(Tag.Status, Status.PROCESSING_FAILURE);
    }

    public String errorComment() {
        return command.getString(Tag.ErrorComment);
    }

    public int remaining() {
        return command.getInt(Tag.NumberOfRemainingSuboperations, -1);
    }

    public int completed() {
        return command.getInt(Tag.NumberOfCompletedSuboperations, -1);
    }

    public int failed() {
        return command.getInt(Tag.NumberOfFailedSuboperations, -1);
    }

    public int warning() {
        return command.getInt(Tag.NumberOfWarningSuboperations, -1);
    }

    /** Status and error comment in words. */
    public String describe() {
        String c = errorComment();
        return Status.describe(status()) + (c != null && !c.isEmpty() ? " (" + c + ")" : "");
    }
}
