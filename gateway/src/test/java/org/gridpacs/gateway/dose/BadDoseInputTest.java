package org.gridpacs.gateway.dose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dose.dicom.DerivedIds;
import org.gridpacs.dose.dicom.RtPlanWriter;
import org.gridpacs.dose.jobs.DoseJobsConfig;
import org.gridpacs.dose.jobs.JobRecord;
import org.gridpacs.dose.jobs.JobState;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.gateway.node.ArchiveNode;
import org.gridpacs.gateway.node.DoseSetup;
import org.gridpacs.gateway.node.NodeConfig;
import org.gridpacs.gateway.synthetic.SyntheticCtSeries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a physicist sends wrong, on the product's path (a node in this JVM with the real Monte Carlo calculation,
 * plans arriving through the store): a tilted gantry, a missing slice, an energy the engine does not model, a plan
 * whose CT never comes, a plan without its beams. Each is a failed job whose error names the problem; nothing is
 * stored for it, and the archive goes on storing and serving.
 */
@Timeout(120)
class BadDoseInputTest {
    @TempDir
    Path dir;
    ArchiveNode node;

    @BeforeEach
    void start() throws IOException {
        Properties p = new Properties();
        p.setProperty("dicom.bindAddress", "127.0.0.1");
        p.setProperty("dicom.port", "0");
        p.setProperty("http.port", "0");
        p.setProperty("storage.fsync", "false");
        DoseJobsConfig dose = DoseJobsConfig.DEFAULTS.withTimes(Duration.ofMillis(300), Duration.ofSeconds(2));
        node = ArchiveNode.start(NodeConfig.from(p, dir.resolve("node")), null, null,
                DoseSetup.defaults().withConfig(dose));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aTiltedGantryIsRefusedByName() throws Exception {
        JobRecord job = planOn("TILT", ct -> ct.setString(Tag.GantryDetectorTilt, VR.DS, "12"), plan -> { });
        assertFailed(job, "tilt");
    }

    @Test
    void aMissingSliceIsRefusedWithWhereItIsMissing() throws Exception {
        JobRecord job = planOn("GAP", ct -> {
            if (ct.getDoubles(Tag.ImagePositionPatient)[2] == 15.0) {
                ct.setString(Tag.Modality, VR.CS, "DROP"); // not sent: the slice at z = 15 mm is missing
            }
        }, plan -> { });
        assertFailed(job, "slice missing between z = 10.0 and z = 20.0 mm");
    }

    @Test
    void anEnergyTheEngineDoesNotModelIsRefusedByName() throws Exception {
        JobRecord job = planOn("18MV", ct -> { }, plan -> plan.getSequence(Tag.BeamSequence).get(0)
                .getSequence(Tag.ControlPointSequence).get(0).setString(Tag.NominalBeamEnergy, VR.DS, "18"));
        assertFailed(job, "18 MV photons are not modelled");
    }

    @Test
    void aPlanWithoutBeamsIsRefusedByName() throws Exception {
        JobRecord job = planOn("NOBEAMS", ct -> { }, plan -> plan.remove(Tag.BeamSequence));
        assertFailed(job, "Beam Sequence");
    }

    @Test
    void aPlanWhoseCtNeverComesFailsAfterTheWait() throws Exception {
        JobRecord job = planOn("NOCT", ct -> ct.setString(Tag.Modality, VR.CS, "DROP"), plan -> { });
        assertFailed(job, "no CT series");
    }

    /** Stores a small water CT (changed by {@code ct}; slices marked DROP are not sent), then its plan. */
    private JobRecord planOn(String patient, Consumer<DataSet> ct, Consumer<DataSet> plan) throws Exception {
        Path ctDir = dir.resolve(patient);
        SyntheticCtSeries.waterBox(32, 10, 5, 200).write(ctDir, 8, patient, "Bad^" + patient);
        List<Path> files;
        try (Stream<Path> s = Files.list(ctDir)) {
            files = s.sorted().toList();
        }
        List<DataSet> slices = new ArrayList<>();
        for (Path f : files) {
            DataSet ds = Instances.read(f).dataSet();
            ct.accept(ds);
            slices.add(ds);
        }
        for (DataSet ds : slices) {
            if (!"DROP".equals(ds.getString(Tag.Modality))) {
                store(ds);
            }
        }
        DataSet p = RtPlanWriter.write(List.of(Beam.symmetric(Beam.Kind.MV6, 100, 10, 10, 0, -10, 1.5)),
                DoseFiles.planningView(files.get(0)), "BAD " + patient,
                new DerivedIds("tps-" + patient, LocalDateTime.of(2026, 12, 6, 12, 0)));
        plan.accept(p);
        store(p);
        String planUid = p.getString(Tag.SOPInstanceUID);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            for (JobRecord j : node.doseJobs().service().list(null)) {
                if (planUid.equals(j.request().plan()) && (j.state() == JobState.FAILED || j.state() == JobState.DONE)) {
                    return j;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no job of plan " + planUid + " ended: " + node.doseJobs().service().list(null));
    }

    private void store(DataSet ds) throws Exception {
        node.store().store(StoreRequest.of(ds, UID.ExplicitVRLittleEndian, "TPS"), ds);
    }

    /** Failed, naming the problem; nothing of it stored; the archive still stores. */
    private void assertFailed(JobRecord job, String named) throws Exception {
        assertEquals(JobState.FAILED, job.state(), job.toString());
        assertTrue(job.error().contains(named), "the error names the problem (" + named + "): " + job.error());
        assertNull(job.doseUid());
        DataSet q = new DataSet();
        q.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        q.setString(Tag.StudyInstanceUID, VR.UI, job.request().study());
        long doses = node.retrieveService().resolve(QueryModel.STUDY_ROOT, q).stream()
                .filter(i -> i.sopClassUID().equals(UID.RTDoseStorage)).count();
        assertEquals(0, doses, "nothing half-stored");
        // and the archive goes on: another CT is stored and found
        Path other = dir.resolve("other");
        String study = SyntheticCtSeries.waterBox(16, 10, 5, 100).write(other, 1, "OTHER", "Other^Patient");
        try (Stream<Path> s = Files.list(other)) {
            store(Instances.read(s.findFirst().orElseThrow()).dataSet());
        }
        q.setString(Tag.StudyInstanceUID, VR.UI, study);
        assertEquals(1, node.retrieveService().resolve(QueryModel.STUDY_ROOT, q).size());
    }
}
