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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(StoreFile.class);

    /**
     * Reads the File Meta Information (if any: some old modalities and tools write bare data sets) and the first
     * elements of the data set, up to SOP Instance UID.
     *
     * @throws DicomStreamException when the file is not a DICOM instance that can be sent; the message says why
     */
    static StoreFile probe(Path path) throws IOException {
        long size = Files.size(path);
        try (InputStream raw = Files.newInputStream(path); DicomInputStream in = new DicomInputStream(raw)) {
            DataSet fmi = in.readFileMetaInformation();
            long offset = in.position();
            if (fmi != null && UID.MediaStorageDirectoryStorage.equals(fmi.getString(Tag.MediaStorageSOPClassUID))) {
                // checked first: its data set starts with the whole directory record sequence
                throw new DicomStreamException("a DICOMDIR (media directory), not an instance to store");
            }
            // the data set is the authority on what the instance is (the meta information of some files disagrees,
            // and the C-STORE command must name the instance it carries); SOP Instance UID comes early, at (0008,0018)
            DataSet head = in.readDataSet(Tag.SOPInstanceUID + 1);
            String cuid = head.getString(Tag.SOPClassUID);
            String iuid = head.getString(Tag.SOPInstanceUID);
            if (fmi != null) {
                cuid = checkMeta(path, "SOP Class UID", cuid, fmi.getString(Tag.MediaStorageSOPClassUID));
                iuid = checkMeta(path, "SOP Instance UID", iuid, fmi.getString(Tag.MediaStorageSOPInstanceUID));
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

    /** The data set's UID, or the meta information's if the data set lacks it; a disagreement is worth a warning. */
    private static String checkMeta(Path path, String what, String inDataSet, String inMeta) {
        if (isEmpty(inDataSet)) {
            return inMeta;
        }
        if (!isEmpty(inMeta) && !inMeta.equals(inDataSet)) {
            LOG.warn("{}: the {} of the data set ({}) differs from the meta information's ({}); sending the data set's",
                    path, what, inDataSet, inMeta);
        }
        return inDataSet;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
