package org.gridpacs.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.index.TestInstances;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveContext;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.retrieve.RetrievedInstance;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;

/** One node's storage, index, store and retrieve services in a folder, for tests through the services' interfaces. */
public final class TestArchive implements AutoCloseable {
    public final IndexDatabase db;
    public final FileSystemStorage storage;
    public final StoreService store;
    public final RetrieveService retrieve;

    public TestArchive(Path dir) throws Exception {
        db = IndexDatabase.openH2(dir.resolve("index"));
        storage = new FileSystemStorage("node1", dir.resolve("storage"), false);
        store = new StoreService(storage, new SqlInstanceIndex(db), DuplicatePolicy.REJECT);
        retrieve = new RetrieveService(new QueryService(db, "ARCHIVE"), Map.of(storage.id(), storage));
    }

    /** A stream request for {@code ds} as a modality sends it, Explicit VR Little Endian. */
    public static StoreRequest request(DataSet ds) {
        return StoreRequest.of(ds, TestInstances.TS, "MODALITY");
    }

    public static ByteArrayInputStream encoded(DataSet ds) {
        return new ByteArrayInputStream(TestInstances.encode(ds));
    }

    /** An instance of {@code study} with a little pixel data. */
    public static DataSet withPixels(TestInstances.Study study, int series, int instance) {
        DataSet ds = study.instance(series, instance);
        ds.setInt(Tag.Columns, VR.US, 16);
        ds.setInt(Tag.Rows, VR.US, 8);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        byte[] pixels = new byte[16 * 8 * 2];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = (byte) (k * 31 + instance);
        }
        ds.setBytes(Tag.PixelData, VR.OW, pixels);
        return ds;
    }

    /**
     * Whether two data sets hold the same elements and values, compared encoded (Explicit VR Little Endian): a
     * value read back is in its encoded, padded form, one set in code is not.
     */
    public static void assertSameDataSet(DataSet expected, DataSet actual, String message) {
        if (!java.util.Arrays.equals(TestInstances.encode(expected), TestInstances.encode(actual))) {
            throw new AssertionError(message + "\nexpected:\n" + expected + "\nbut was:\n" + actual);
        }
    }

    /** The instances of a study, as a retrieve resolves them. */
    public List<IndexedInstance> study(String studyInstanceUID) throws Exception {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        id.setString(Tag.StudyInstanceUID, VR.UI, studyInstanceUID);
        return retrieve.resolve(QueryModel.STUDY_ROOT, id);
    }

    /** One instance read through the retrieve service for {@code context}: its bytes as they would be sent. */
    public Sent read(RetrieveContext context, IndexedInstance instance) throws Exception {
        try (RetrievedInstance r = retrieve.open(context, instance)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            r.writeTo(bytes);
            return new Sent(r.sopInstanceUID(), r.transferSyntax().uid(), bytes.toByteArray());
        }
    }

    /** What a retrieve sent: the SOP Instance UID it named, the transfer syntax and the data set's bytes. */
    public record Sent(String sopInstanceUID, String transferSyntaxUID, byte[] bytes) {
        public DataSet dataSet() throws IOException {
            DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(bytes));
            in.setTransferSyntax(org.gridpacs.dicom.io.TransferSyntax.of(transferSyntaxUID));
            return in.readDataSet();
        }
    }

    @Override
    public void close() {
        db.close();
    }
}
