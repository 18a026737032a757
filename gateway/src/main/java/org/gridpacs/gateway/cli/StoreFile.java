package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomStreamException;

/**
 * A file to send, as far as the sender needs to know it: what it is (SOP class and instance), how its data set
 * is encoded, and where the data set starts, so that the bytes after the meta information can be sent as they
 * are, without decoding them.
 *
 * @param dataSetOffset where the data set starts in the file (after preamble and File Meta Information; 0 for a
 *                      bare data set)
 * @param dataSetLength bytes from there to the end of the file
 */
record StoreFile(Path path, String sopClassUID, String sopInstanceUID, String transferSyntaxUID,
                 long dataSetOffset, long dataSetLength) {

    /**
     * Reads the File Meta Information, or for a file without one (a bare data set, as some old modalities and
     * tools write) the first elements of the data set, up to SOP Instance UID.
     *
     * @throws DicomStreamException when the file is not a DICOM instance that can be sent; the message says why
     */
    static StoreFile probe(Path path) throws IOException {
        long size = Files.size(path);
        try (InputStream raw = Files.newInputStream(path); DicomInputStream in = new DicomInputStream(raw)) {
            DataSet fmi = in.readFileMetaInformation();
            long offset = in.position();
            String cuid = fmi == null ? null : fmi.getString(Tag.MediaStorageSOPClassUID);
            String iuid = fmi == null ? null : fmi.getString(Tag.MediaStorageSOPInstanceUID);
            if (isEmpty(cuid) || isEmpty(iuid)) {
                DataSet head = in.readDataSet(Tag.SOPInstanceUID + 1);
                cuid = head.getString(Tag.SOPClassUID);
                iuid = head.getString(Tag.SOPInstanceUID);
            }
            if (isEmpty(cuid) || isEmpty(iuid)) {
                throw new DicomStreamException("no SOP Class UID or SOP Instance UID");
            }
            if (UID.MediaStorageDirectoryStorage.equals(cuid)) {
                throw new DicomStreamException("a DICOMDIR (media directory), not an instance to store");
            }
            return new StoreFile(path, cuid, iuid, in.transferSyntax().uid(), offset, size - offset);
        } catch (IllegalArgumentException e) {
            // e.g. an unusable transfer syntax UID in the meta information
            throw new DicomStreamException(e.getMessage());
        }
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
