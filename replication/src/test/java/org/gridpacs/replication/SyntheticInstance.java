package org.gridpacs.replication;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;

/** One small CT instance made in code, and storing it as a modality would (for the replication tests). */
public final class SyntheticInstance {
    public static final String TS = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();

    private SyntheticInstance() {
    }

    /** The instance {@code studyInstanceUID}.1.1. */
    public static DataSet of(String studyInstanceUID) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, studyInstanceUID + ".1.1");
        ds.setString(Tag.StudyInstanceUID, VR.UI, studyInstanceUID);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, studyInstanceUID + ".1");
        ds.setString(Tag.PatientID, VR.LO, "Q1");
        ds.setString(Tag.PatientName, VR.PN, "Replication^Test");
        ds.setString(Tag.Modality, VR.CS, "CT");
        ds.setInt(Tag.InstanceNumber, VR.IS, 1);
        return ds;
    }

    /** Stores {@code ds} (Explicit VR Little Endian) through {@code store}, from AE "MODALITY". */
    public static StoreResult store(InstanceStore store, DataSet ds) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DicomOutputStream out = new DicomOutputStream(bytes)) {
            out.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            out.writeDataSet(ds);
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return store.store(new StoreRequest(ds.getString(Tag.SOPClassUID), ds.getString(Tag.SOPInstanceUID), TS,
                "MODALITY"), new ByteArrayInputStream(bytes.toByteArray()));
    }
}
