package org.gridpacs.dicom.net.dimse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;

/** Builds, encodes and decodes DIMSE command sets (PS3.7 section 9 and 10; always implicit VR little endian). */
public final class Commands {
    /** Priority (0000,0700): MEDIUM. */
    public static final int PRIORITY_MEDIUM = 0;

    private Commands() {
    }

    /** A request command set; {@code hasDataSet} sets Command Data Set Type. */
    public static DataSet request(int commandField, int messageID, String sopClassUID, boolean hasDataSet) {
        DataSet cmd = new DataSet();
        if (sopClassUID != null) {
            cmd.setString(commandField == CommandField.N_ACTION_RQ || commandField == CommandField.N_EVENT_REPORT_RQ
                    ? Tag.RequestedSOPClassUID : Tag.AffectedSOPClassUID, VR.UI, sopClassUID);
        }
        cmd.setInt(Tag.CommandField, VR.US, commandField);
        cmd.setInt(Tag.MessageID, VR.US, messageID);
        if (commandField == CommandField.C_STORE_RQ || commandField == CommandField.C_FIND_RQ
                || commandField == CommandField.C_MOVE_RQ || commandField == CommandField.C_GET_RQ) {
            cmd.setInt(Tag.Priority, VR.US, PRIORITY_MEDIUM);
        }
        cmd.setInt(Tag.CommandDataSetType, VR.US, hasDataSet ? 0x0000 : CommandField.NO_DATA_SET);
        return cmd;
    }

    /** The response to {@code rq}, echoing its SOP class and instance as PS3.7 asks. */
    public static DataSet response(DataSet rq, int status, boolean hasDataSet) {
        DataSet rsp = new DataSet();
        int field = rq.getInt(Tag.CommandField, 0) | 0x8000;
        copy(rq, rsp, Tag.AffectedSOPClassUID);
        copy(rq, rsp, Tag.AffectedSOPInstanceUID);
        if (field == CommandField.N_ACTION_RSP) {
            String cls = rq.getString(Tag.RequestedSOPClassUID);
            String inst = rq.getString(Tag.RequestedSOPInstanceUID);
            if (cls != null) {
                rsp.setString(Tag.AffectedSOPClassUID, VR.UI, cls);
            }
            if (inst != null) {
                rsp.setString(Tag.AffectedSOPInstanceUID, VR.UI, inst);
            }
            copy(rq, rsp, Tag.ActionTypeID);
        }
        copy(rq, rsp, Tag.EventTypeID);
        rsp.setInt(Tag.CommandField, VR.US, field);
        rsp.setInt(Tag.MessageIDBeingRespondedTo, VR.US, rq.getInt(Tag.MessageID, 0));
        rsp.setInt(Tag.CommandDataSetType, VR.US, hasDataSet ? 0x0000 : CommandField.NO_DATA_SET);
        rsp.setInt(Tag.Status, VR.US, status);
        return rsp;
    }

    private static void copy(DataSet from, DataSet to, int tag) {
        int i = from.indexOf(tag);
        if (i >= 0) {
            to.setValue(tag, from.vrAt(i), from.valueAt(i));
        }
    }

    public static boolean hasDataSet(DataSet cmd) {
        return cmd.getInt(Tag.CommandDataSetType, CommandField.NO_DATA_SET) != CommandField.NO_DATA_SET;
    }

    /** Encodes a command set with its Command Group Length, implicit VR little endian. */
    public static byte[] encode(DataSet cmd) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        DicomOutputStream dos = new DicomOutputStream(body, 512);
        dos.setTransferSyntax(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
        DataSet rest = cmd;
        if (cmd.contains(Tag.CommandGroupLength)) { // recomputed below; only received commands carry one
            rest = cmd.copy();
            rest.remove(Tag.CommandGroupLength);
        }
        dos.writeDataSet(rest);
        dos.finish();
        byte[] b = body.toByteArray();
        byte[] out = new byte[12 + b.length];
        LittleEndian.put16(out, 0, 0x0000);
        LittleEndian.put16(out, 2, 0x0000);
        LittleEndian.put32(out, 4, 4);
        LittleEndian.put32(out, 8, b.length);
        System.arraycopy(b, 0, out, 12, b.length);
        return out;
    }

    public static DataSet decode(byte[] b, int off, int len) throws IOException {
        DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(b, off, len), 512);
        in.setTransferSyntax(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
        return in.readDataSet();
    }

    /** A one-line summary for logs, e.g. "C-STORE-RQ id=3 CT Image Storage 1.2.3...". */
    public static String summary(DataSet cmd) {
        int field = cmd.getInt(Tag.CommandField, 0);
        StringBuilder sb = new StringBuilder(CommandField.name(field));
        int id = cmd.getInt(CommandField.isResponse(field) ? Tag.MessageIDBeingRespondedTo : Tag.MessageID, -1);
        sb.append(" id=").append(id);
        String inst = cmd.getString(Tag.AffectedSOPInstanceUID);
        if (inst != null) {
            sb.append(" instance=").append(inst);
        }
        if (CommandField.isResponse(field)) {
            sb.append(" status=").append(Status.describe(cmd.getInt(Tag.Status, 0)));
        }
        return sb.toString();
    }
}
