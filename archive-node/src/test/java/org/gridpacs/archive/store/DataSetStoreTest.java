package org.gridpacs.archive.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.gridpacs.archive.TestArchive;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.TestInstances;
import org.gridpacs.archive.retrieve.AcceptedTransferSyntaxes;
import org.gridpacs.archive.retrieve.DataSetTransform;
import org.gridpacs.archive.retrieve.Destination;
import org.gridpacs.archive.retrieve.Requester;
import org.gridpacs.archive.retrieve.RetrieveContext;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.dimse.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data set built in memory (the dose service's RT Dose) is stored like a received one and reads back equal. */
class DataSetStoreTest {
    @TempDir
    Path dir;
    TestArchive archive;

    final TestInstances.Study study = new TestInstances.Study("P2", "Dose^Test", null, "8.8.8", "20240202",
            "101010", null, null, List.of("RTDOSE"), 1);

    final RetrieveContext asStored = new RetrieveContext(new Requester(null, null, null),
            Destination.exportSite("test"),
            AcceptedTransferSyntaxes.always(List.of(UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian)),
            DataSetTransform.IDENTITY);

    @BeforeEach
    void open() throws Exception {
        archive = new TestArchive(dir);
    }

    @AfterEach
    void close() {
        archive.close();
    }

    private DataSet dose() {
        DataSet ds = TestArchive.withPixels(study, 0, 0);
        ds.setString(Tag.SOPClassUID, VR.UI, UID.RTDoseStorage);
        ds.setString(Tag.DoseUnits, VR.CS, "GY");
        ds.setDouble(Tag.DoseGridScaling, VR.DS, 1.5e-5);
        return ds;
    }

    private DataSet readBack(DataSet stored) throws Exception {
        List<IndexedInstance> found = archive.study(study.studyUID());
        assertEquals(1, found.size());
        assertEquals(stored.getString(Tag.SOPInstanceUID), found.get(0).sopInstanceUID());
        return archive.read(asStored, found.get(0)).dataSet();
    }

    @Test
    void aStoredDataSetReadsBackEqual() throws Exception {
        DataSet dose = dose();
        StoreResult result = archive.store.store(StoreRequest.of(dose, UID.ExplicitVRLittleEndian, "DOSE"), dose);
        assertEquals(Status.SUCCESS, result.status());
        assertEquals(StoreResult.Outcome.STORED, result.outcome());
        assertEquals(UID.RTDoseStorage, result.header().sopClassUID());
        TestArchive.assertSameDataSet(dose, readBack(dose), "read back");
    }

    @Test
    void itIsEncodedInTheRequestsSyntaxWithoutItsOwnFileMetaInformation() throws Exception {
        DataSet dose = dose();
        DataSet withMeta = dose.copy();
        withMeta.setString(Tag.TransferSyntaxUID, VR.UI, UID.ExplicitVRBigEndian); // the store writes its own
        archive.store.store(StoreRequest.of(withMeta, UID.ImplicitVRLittleEndian, "DOSE"), withMeta);

        IndexedInstance stored = archive.study(study.studyUID()).get(0);
        assertEquals(UID.ImplicitVRLittleEndian, stored.transferSyntaxUID());
        DataSet back = readBack(dose);
        assertEquals(dose.getString(Tag.DoseUnits), back.getString(Tag.DoseUnits));
        assertEquals(dose.getString(Tag.SOPInstanceUID), back.getString(Tag.SOPInstanceUID));
        assertEquals(-1, back.indexOf(Tag.TransferSyntaxUID));
    }

    @Test
    void theDuplicatePolicyApplies() throws Exception {
        DataSet dose = dose();
        archive.store.store(StoreRequest.of(dose, UID.ExplicitVRLittleEndian, "DOSE"), dose);
        assertEquals(StoreResult.Outcome.ALREADY_STORED,
                archive.store.store(StoreRequest.of(dose, UID.ExplicitVRLittleEndian, "DOSE"), dose).outcome());
        DataSet changed = dose();
        changed.setDouble(Tag.DoseGridScaling, VR.DS, 2e-5);
        StoreException refused = assertThrows(StoreException.class,
                () -> archive.store.store(StoreRequest.of(changed, UID.ExplicitVRLittleEndian, "DOSE"), changed));
        assertEquals(Status.DUPLICATE_SOP_INSTANCE, refused.status());
    }

    @Test
    void anInvalidDataSetIsRefusedWithAStatus() throws Exception {
        DataSet noStudy = dose();
        noStudy.remove(Tag.StudyInstanceUID);
        StoreException refused = assertThrows(StoreException.class,
                () -> archive.store.store(StoreRequest.of(noStudy, UID.ExplicitVRLittleEndian, "DOSE"), noStudy));
        assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, refused.status());
        assertEquals(List.of(), archive.study(study.studyUID()));
    }
}
