package org.gridpacs.web.render;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.web.WebTestServer;

/** Part 10 test files: read past their File Meta Information, stored under their data set's own UIDs. */
public final class TestFiles {
    private TestFiles() {
    }

    /** The data set of a Part 10 file (without its File Meta Information). */
    public static DataSet read(Path file) throws Exception {
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            in.readFileMetaInformation();
            return in.readDataSet();
        }
    }

    /**
     * Stores a file in its own transfer syntax under the SOP Instance UID of its data set (some pydicom files,
     * rtdose.dcm among them, name another one in their meta information); returns its data set.
     */
    public static DataSet store(WebTestServer s, Path file) throws Exception {
        DataSet ds = read(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            DataSet meta = FileMetaInformation.read(in);
            s.store.store(new StoreRequest(ds.getString(Tag.SOPClassUID), ds.getString(Tag.SOPInstanceUID),
                    meta.getString(Tag.TransferSyntaxUID), "MODALITY"), in);
        }
        return ds;
    }

    /** "/dicom-web/studies/{s}/series/{e}/instances/{i}" of a data set. */
    public static String instancePath(DataSet ds) {
        return "/dicom-web/studies/" + ds.getString(Tag.StudyInstanceUID) + "/series/"
                + ds.getString(Tag.SeriesInstanceUID) + "/instances/" + ds.getString(Tag.SOPInstanceUID);
    }
}
