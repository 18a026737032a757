package org.gridpacs.archive.repair;

import java.io.IOException;
import java.io.OutputStream;

import org.gridpacs.archive.storage.Storage;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;

/** Small CT-like Part 10 files, with an overlay before the pixel data to exercise bulk data. */
final class TestInstances {
    static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    static final int OVERLAY_DATA = 0x60003000;

    private TestInstances() {
    }

    static DataSet dataSet(String sopInstanceUID) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, CT);
        ds.setString(Tag.SOPInstanceUID, VR.UI, sopInstanceUID);
        ds.setString(Tag.Modality, VR.CS, "CT");
        ds.setString(Tag.PatientName, VR.PN, "Doe^Jane");
        ds.setString(Tag.PatientID, VR.LO, "P1");
        ds.setString(Tag.StudyInstanceUID, VR.UI, "1.2.826.0.1.3680043.2.1");
        ds.setString(Tag.SeriesInstanceUID, VR.UI, "1.2.826.0.1.3680043.2.1.1");
        ds.setString(Tag.InstanceNumber, VR.IS, "7");
        ds.setInt(Tag.Rows, VR.US, 128);
        ds.setInt(Tag.Columns, VR.US, 128);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        ds.setBytes(OVERLAY_DATA, VR.OW, new byte[256 * 256 / 8]); // 8 KiB: above the bulk data threshold
        byte[] pixels = new byte[128 * 128 * 2];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = (byte) (k * 31);
        }
        ds.setBytes(Tag.PixelData, VR.OW, pixels);
        return ds;
    }

    static void write(OutputStream out, DataSet ds) throws IOException {
        DicomOutputStream dos = new DicomOutputStream(out);
        dos.writeFileMetaInformation(FileMetaInformation.create(ds.getString(Tag.SOPClassUID),
                ds.getString(Tag.SOPInstanceUID), EXPLICIT_LE, "MODALITY"));
        dos.writeDataSet(ds);
        dos.finish();
    }

    static Storage.ContentWriter instance(String sopInstanceUID) {
        return out -> write(out, dataSet(sopInstanceUID));
    }
}
