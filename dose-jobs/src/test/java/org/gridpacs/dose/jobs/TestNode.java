package org.gridpacs.dose.jobs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.NotifyingStore;
import org.gridpacs.archive.store.StoreListeners;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;

/**
 * One node's archive (real H2 files, file storage, the store listeners) with the dose service on it, in a folder;
 * {@link #close} and a new TestNode on the same folder is a node restart.
 */
final class TestNode implements AutoCloseable {
    final IndexDatabase db;
    final StoreListeners listeners = new StoreListeners();
    final InstanceStore store;
    final RetrieveService retrieve;
    final DoseJobs dose;

    TestNode(Path dir, DoseJobsConfig config, DoseCalculation calculation) throws Exception {
        db = IndexDatabase.openH2(dir.resolve("index"), List.of(JobStore.SCHEMA));
        FileSystemStorage storage = new FileSystemStorage("node1", dir.resolve("storage"), false);
        store = new NotifyingStore(new StoreService(storage, new SqlInstanceIndex(db), DuplicatePolicy.REJECT),
                listeners, "node1");
        QueryService query = new QueryService(db, "ARCHIVE");
        retrieve = new RetrieveService(query, Map.of(storage.id(), storage));
        dose = DoseJobs.start(config, new DoseJobs.Archive(db, query, retrieve, store, listeners, "node1"),
                calculation, List.of(), 50, null);
    }

    static DoseJobsConfig quickConfig() {
        return DoseJobsConfig.DEFAULTS.withTimes(Duration.ofMillis(300), Duration.ofSeconds(3));
    }

    DoseJobService jobs() {
        return dose.service();
    }

    /** Stores as a modality sends it (C-STORE's path, Explicit VR Little Endian). */
    StoreResult send(DataSet ds) throws Exception {
        return store.store(StoreRequest.of(ds, UID.ExplicitVRLittleEndian, "MODALITY"), ds);
    }

    /** The instances of a study. */
    List<IndexedInstance> study(String study) throws Exception {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        id.setString(Tag.StudyInstanceUID, VR.UI, study);
        return retrieve.resolve(QueryModel.STUDY_ROOT, id);
    }

    /** Waits (at most 20 s) until the job satisfies {@code p}; returns it then. */
    JobRecord await(String id, Predicate<JobRecord> p) throws Exception {
        long end = System.nanoTime() + 20_000_000_000L;
        JobRecord j = null;
        while (System.nanoTime() < end) {
            j = jobs().get(id).orElseThrow();
            if (p.test(j)) {
                return j;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job did not get there within 20 s: " + j);
    }

    JobRecord awaitState(String id, JobState state) throws Exception {
        return await(id, j -> j.state() == state || j.state().isFinal() && state != j.state() && fail(j, state));
    }

    private static boolean fail(JobRecord j, JobState expected) {
        throw new AssertionError("expected " + expected + " but the job ended " + j.state() + ": " + j.error());
    }

    @Override
    public void close() {
        dose.close();
        listeners.close();
        db.close();
    }
}
