package org.gridpacs.web.wado;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.image.FrameDecoder;
import org.gridpacs.dicom.io.DicomInputStream;

/** Part 10 files read whole, for comparisons in the tests. */
record Files10(DataSet meta, DataSet dataSet) {

    static Files10 read(Path file) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            return read(in);
        }
    }

    static Files10 read(byte[] bytes) throws IOException {
        return read(new ByteArrayInputStream(bytes));
    }

    private static Files10 read(InputStream in) throws IOException {
        DicomInputStream dis = new DicomInputStream(in);
        DataSet meta = dis.readFileMetaInformation();
        return new Files10(meta, dis.readDataSet());
    }

    /**
     * Stores a pydicom file's data set in its own transfer syntax (some of pydicom's files have File Meta Information
     * that disagrees with their data set, or no Study Instance UID: the data set is what counts here).
     */
    static Files10 store(org.gridpacs.web.WebTestServer s, String name) throws Exception {
        Files10 f = read(org.gridpacs.dicom.testutil.TestData.pydicomFile(name));
        if (f.dataSet().getString(Tag.StudyInstanceUID) == null) {
            f.dataSet().setString(Tag.StudyInstanceUID, org.gridpacs.dicom.data.VR.UI, "1.2.826.0.1.3680043.8.498.10");
        }
        if (f.dataSet().getString(Tag.SeriesInstanceUID) == null) {
            f.dataSet().setString(Tag.SeriesInstanceUID, org.gridpacs.dicom.data.VR.UI, "1.2.826.0.1.3680043.8.498.20");
        }
        // pydicom's files share SOP Instance UIDs (MR_small and its encodings): each stored copy gets its own
        String uid = org.gridpacs.dicom.Implementation.newUID();
        f.dataSet().setString(Tag.SOPInstanceUID, org.gridpacs.dicom.data.VR.UI, uid.length() % 2 == 0 ? uid : uid + "1");
        if (f.dataSet().getString(Tag.SOPClassUID) == null) {
            f.dataSet().setBytes(Tag.SOPClassUID, org.gridpacs.dicom.data.VR.UI, f.meta().getBytes(Tag.MediaStorageSOPClassUID));
        }
        s.store.store(org.gridpacs.archive.store.StoreRequest.of(f.dataSet(), f.transferSyntax(), "MODALITY"),
                f.dataSet());
        return f;
    }

    /** {@code ds} as it reads back once written (values padded to even length). */
    static DataSet roundTrip(DataSet ds) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        org.gridpacs.dicom.io.DicomOutputStream out = new org.gridpacs.dicom.io.DicomOutputStream(b);
        out.setTransferSyntax(org.gridpacs.dicom.io.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        out.writeDataSet(ds);
        out.finish();
        DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(b.toByteArray()));
        in.setTransferSyntax(org.gridpacs.dicom.io.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        return in.readDataSet();
    }

    String transferSyntax() {
        return meta.getString(Tag.TransferSyntaxUID);
    }

    /** Frame {@code frame} (0-based) as the toolkit decodes it: native little endian. */
    byte[] frame(int frame) throws IOException {
        return FrameDecoder.decode(dataSet, transferSyntax(), frame);
    }
}
