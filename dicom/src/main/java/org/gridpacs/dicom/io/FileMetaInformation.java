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
}
