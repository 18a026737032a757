package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.retrieve.AcceptedTransferSyntaxes;
import org.gridpacs.archive.retrieve.DataSetTransform;
import org.gridpacs.archive.retrieve.Destination;
import org.gridpacs.archive.retrieve.Requester;
import org.gridpacs.archive.retrieve.RetrieveContext;
import org.gridpacs.archive.retrieve.RetrievedInstance;
import org.gridpacs.archive.store.InstanceStored;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.dimse.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store seams in a cluster of two nodes in this JVM: a data set stored through a node's store (as the dose
 * service will store its RT Dose) is replicated like a C-STORE and readable on the other node through its
 * retrieve service; the store listeners hear it once, on the node that received it, not on the replica's.
 */
@Timeout(120)
class StoreSeamsClusterTest {
    @TempDir
    Path tmp;

    @Test
    void aDataSetStoreIsReplicatedAndHeardOnceOnTheReceivingNode() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(tmp.resolve("c"), 2, 2)) {
            BlockingQueue<InstanceStored> heardOn0 = new LinkedBlockingQueue<>();
            BlockingQueue<InstanceStored> heardOn1 = new LinkedBlockingQueue<>();
            cluster.node(0).storeListeners().add(heardOn0::add);
            cluster.node(1).storeListeners().add(heardOn1::add);

            DataSet dose = dose();
            assertEquals(Status.SUCCESS, cluster.node(0).store()
                    .store(StoreRequest.of(dose, UID.ExplicitVRLittleEndian, "DOSE"), dose).status());
            assertEquals(1, cluster.files(1), "the write quorum (2) put a copy on the other node before success");

            InstanceStored event = heardOn0.poll(10, TimeUnit.SECONDS);
            assertEquals("9.1.2.3", event.sopInstanceUID());
            assertEquals(cluster.name(0), event.node());
            assertEquals(InstanceStored.Arrival.NEW_INSTANCE, event.arrival());
            assertEquals("RTDOSE", event.modality());
            assertNull(heardOn1.poll(1, TimeUnit.SECONDS), "the replica's node does not hear of the copy");

            DataSet id = new DataSet();
            id.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
            id.setString(Tag.StudyInstanceUID, VR.UI, "9.1");
            List<IndexedInstance> found = cluster.node(1).retrieveService().resolve(QueryModel.STUDY_ROOT, id);
            assertEquals(1, found.size());
            RetrieveContext export = new RetrieveContext(new Requester(null, null, null),
                    Destination.exportSite("test"),
                    AcceptedTransferSyntaxes.always(List.of(UID.ExplicitVRLittleEndian)), DataSetTransform.IDENTITY);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (RetrievedInstance r = cluster.node(1).retrieveService().open(export, found.get(0))) {
                r.writeTo(bytes);
            }
            DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(bytes.toByteArray()));
            in.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            DataSet back = in.readDataSet();
            assertEquals("GY", back.getString(Tag.DoseUnits));
            assertEquals(java.util.Arrays.toString(dose.getBytes(Tag.PixelData)),
                    java.util.Arrays.toString(back.getBytes(Tag.PixelData)));
        }
    }

    /** A small RT Dose, as the dose service builds one in memory. */
    private static DataSet dose() {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.RTDoseStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, "9.1.2.3");
        ds.setString(Tag.Modality, VR.CS, "RTDOSE");
        ds.setString(Tag.PatientName, VR.PN, "Dose^Seam");
        ds.setString(Tag.PatientID, VR.LO, "DOSE1");
        ds.setString(Tag.StudyInstanceUID, VR.UI, "9.1");
        ds.setString(Tag.SeriesInstanceUID, VR.UI, "9.1.2");
        ds.setInt(Tag.Rows, VR.US, 4);
        ds.setInt(Tag.Columns, VR.US, 4);
        ds.setInt(Tag.BitsAllocated, VR.US, 32);
        ds.setString(Tag.DoseUnits, VR.CS, "GY");
        byte[] pixels = new byte[4 * 4 * 4];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = (byte) (k * 7);
        }
        ds.setBytes(Tag.PixelData, VR.OW, pixels);
        return ds;
    }
}
