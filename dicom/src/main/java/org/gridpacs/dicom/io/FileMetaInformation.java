package org.gridpacs.dicom.io;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

/** Builds the File Meta Information of a Part 10 file (PS3.10 7.1). */
public final class FileMetaInformation {
    private FileMetaInformation() {
    }

    /** Meta information for an instance; {@code sourceAET} (who sent it to us) may be null. */
    public static DataSet create(String sopClassUID, String sopInstanceUID, String transferSyntaxUID, String sourceAET) {
        DataSet fmi = new DataSet();
        fmi.setBytes(Tag.FileMetaInformationVersion, VR.OB, new byte[] {0, 1});
        fmi.setString(Tag.MediaStorageSOPClassUID, VR.UI, sopClassUID);
        fmi.setString(Tag.MediaStorageSOPInstanceUID, VR.UI, sopInstanceUID);
        fmi.setString(Tag.TransferSyntaxUID, VR.UI, transferSyntaxUID);
        fmi.setString(Tag.ImplementationClassUID, VR.UI, Implementation.CLASS_UID);
        fmi.setString(Tag.ImplementationVersionName, VR.SH, Implementation.VERSION_NAME);
        if (sourceAET != null && !sourceAET.isEmpty()) {
            fmi.setString(Tag.SourceApplicationEntityTitle, VR.AE, sourceAET);
        }
        return fmi;
    }

    /**
     * The bytes of a Part 10 file up to its data set (preamble, "DICM", File Meta Information): what a
     * receiver writes before copying the data set it receives, whatever its transfer syntax.
     */
    public static byte[] encode(DataSet fmi) {
        java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream(512);
        try {
            DicomOutputStream dos = new DicomOutputStream(bos, 512);
            dos.writePreambleAndMetaGroup(fmi);
            dos.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // a byte array does not fail
        }
        return bos.toByteArray();
    }

    /**
     * Reads the preamble and File Meta Information of a Part 10 file that has a group length (as every file
     * this toolkit writes does), leaving {@code in} exactly at the first byte of the data set, whatever its
     * transfer syntax (a deflated data set stays compressed, to be sent on as it is).
     */
    public static DataSet read(java.io.InputStream in) throws java.io.IOException {
        byte[] head = in.readNBytes(144);
        if (head.length < 144 || head[128] != 'D' || head[129] != 'I' || head[130] != 'C' || head[131] != 'M') {
            throw new DicomStreamException("not a DICOM Part 10 file (no \"DICM\" after the preamble)");
        }
        int tag = org.gridpacs.dicom.data.LittleEndian.u16(head, 132) << 16 | org.gridpacs.dicom.data.LittleEndian.u16(head, 134);
        if (tag != Tag.FileMetaInformationGroupLength || head[136] != 'U' || head[137] != 'L') {
            throw new DicomStreamException("the File Meta Information does not start with its group length (0002,0000)");
        }
        long groupLength = org.gridpacs.dicom.data.LittleEndian.i32(head, 140) & 0xFFFFFFFFL;
        if (groupLength > 1 << 20) {
            throw new DicomStreamException("implausible File Meta Information group length " + groupLength);
        }
        byte[] group = in.readNBytes((int) groupLength);
        if (group.length < groupLength) {
            throw new java.io.EOFException("the file ends inside its File Meta Information");
        }
        DicomInputStream dis = new DicomInputStream(new java.io.ByteArrayInputStream(group), 512);
        dis.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        return dis.readDataSet();
    }
}
