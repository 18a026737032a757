package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dose.dicom.DerivedIds;
import org.gridpacs.dose.dicom.DoseInputException;
import org.gridpacs.dose.engine.Cancellation;
import org.gridpacs.dose.engine.ProgressListener;
import org.gridpacs.dose.jobs.DoseCalculation;
import org.gridpacs.dose.jobs.DoseOutput;
import org.gridpacs.dose.jobs.JobInputs;
import org.gridpacs.dose.jobs.JobRecord;
import org.gridpacs.dose.jobs.JobState;
import org.gridpacs.gateway.node.ArchiveNode;
import org.gridpacs.gateway.node.DoseSetup;
import org.gridpacs.gateway.node.NodeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pacs dose-request} against a node running in this JVM (its real HTTP port and job service). The dose
 * calculation is a TEST SEAM (a quick stand-in returning a small RT Dose), until the CT/plan readers and the RT Dose
 * writer land; the job service, the HTTP API and the command are the product's.
 */
class DoseRequestCommandTest {
    static final String STUDY = "1.2.826.0.1.3680043.10.4.1";
    static final String FRAME = STUDY + ".9";

    @TempDir
    Path dir;
    ArchiveNode node;
    String server;
    Path passwordFile;

    /** A stand-in for the Monte Carlo calculation: reads the CT, reports two rounds, returns one RT Dose. */
    static final class QuickCalculation implements DoseCalculation {
        @Override
        public DoseOutput calculate(JobRecord job, JobInputs inputs, Detail detail, ProgressListener progress,
                                    Cancellation cancel) throws DoseInputException, java.io.IOException {
            DataSet[] first = new DataSet[1];
            inputs.readCt(s -> first[0] = first[0] == null ? s : first[0]);
            if (inputs.plan() != null && "BAD".equals(inputs.plan().getString(Tag.RTPlanLabel))) {
                throw new DoseInputException("energy 18 MV: only 6 MV and Co-60 are modelled");
            }
            progress.progress(500, 1000, 0.05);
            progress.progress(1000, 1000, 0.02);
            DerivedIds ids = job.derivedIds();
            DataSet dose = instance(UID.RTDoseStorage, "RTDOSE", ids.doseSeriesUid(), ids.doseSopInstanceUid());
            dose.setString(Tag.FrameOfReferenceUID, VR.UI, first[0].getString(Tag.FrameOfReferenceUID));
            return new DoseOutput(null, List.of(dose));
        }
    }

    static DataSet instance(String sopClass, String modality, String series, String sop) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, sopClass);
        ds.setString(Tag.SOPInstanceUID, VR.UI, sop);
        ds.setString(Tag.PatientID, VR.LO, "CLI-1");
        ds.setString(Tag.StudyInstanceUID, VR.UI, STUDY);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
        ds.setString(Tag.Modality, VR.CS, modality);
        return ds;
    }

    @BeforeEach
    void start() throws Exception {
        Properties p = new Properties();
        p.setProperty("dicom.bindAddress", "127.0.0.1");
        p.setProperty("dicom.port", "0");
        p.setProperty("http.port", "0");
        p.setProperty("storage.fsync", "false");
        p.setProperty("http.users", dir.resolve("http-users.properties").toString());
        passwordFile = dir.resolve("password");
        java.nio.file.Files.writeString(passwordFile, "dose-check-please\n");
        org.gridpacs.http.auth.UserAccounts.put(dir.resolve("http-users.properties"), "physicist",
                "dose-check-please".toCharArray());
        DoseSetup dose = DoseSetup.defaults().withCalculation(new QuickCalculation())
                .withConfig(org.gridpacs.dose.jobs.DoseJobsConfig.DEFAULTS.withOnArrival(false));
        node = ArchiveNode.start(NodeConfig.from(p, dir), null, null, dose);
        server = "http://127.0.0.1:" + node.httpPort();
        for (int i = 0; i < 2; i++) {
            DataSet ct = instance(UID.CTImageStorage, "CT", STUDY + ".2", STUDY + ".2." + (i + 1));
            ct.setString(Tag.FrameOfReferenceUID, VR.UI, FRAME);
            store(ct);
        }
        store(plan(STUDY + ".5.1", "GOOD"));
        store(plan(STUDY + ".5.2", "BAD"));
    }

    private static DataSet plan(String uid, String label) {
        DataSet p = instance(UID.RTPlanStorage, "RTPLAN", uid + ".0", uid);
        p.setString(Tag.FrameOfReferenceUID, VR.UI, FRAME);
        p.setString(Tag.RTPlanLabel, VR.SH, label);
        return p;
    }

    private void store(DataSet ds) throws Exception {
        node.store().store(StoreRequest.of(ds, UID.ExplicitVRLittleEndian, "TPS"), ds);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aWrongPasswordIsRefusedWithTheNodesReason() throws Exception {
        Path wrong = dir.resolve("wrong");
        java.nio.file.Files.writeString(wrong, "not-the-password\n");
        Cli.Result r = Cli.pacs("dose-request", "--user", "physicist", "--password-file", wrong.toString(), "--server",
                server, "--study", STUDY, "--poll", "0.1");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("wrong user name or password"), r.toString());
        assertEquals(0, node.doseJobs().service().list(null).size(), "nothing was queued");
    }

    @Test
    void aDoneJobPrintsTheRtDoseUidAndExitsZero() throws Exception {
        Cli.Result r = Cli.pacs("dose-request", "--user", "physicist", "--password-file", passwordFile.toString(), "--server", server, "--study", STUDY, "--plan", STUDY + ".5.1",
                "--uncertainty", "2", "--seed", "3", "--poll", "0.1", "--progress");
        assertEquals(0, r.exitCode(), r.toString());
        JobRecord job = node.doseJobs().service().list(JobState.DONE).get(0);
        assertEquals(job.doseUid() + "\n", r.out(), r.toString());
        assertEquals(3L, job.request().seed());
        assertTrue(r.err().contains("job " + job.id() + " queued"), r.err());
        assertTrue(r.err().contains("DONE"), "progress line: " + r.err());
    }

    @Test
    void aFailedJobExitsNonZeroWithItsError() {
        Cli.Result r = Cli.pacs("dose-request", "--user", "physicist", "--password-file", passwordFile.toString(), "--server", server, "--study", STUDY, "--plan", STUDY + ".5.2",
                "--poll", "0.1");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().contains("failed: energy 18 MV: only 6 MV and Co-60 are modelled"), r.toString());
    }

    @Test
    void aRefusedRequestExitsTwoWithTheNodesReason() {
        Cli.Result r = Cli.pacs("dose-request", "--user", "physicist", "--password-file", passwordFile.toString(), "--server", server, "--study", "1.2.3", "--poll", "0.1");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("the node refused the request: study 1.2.3 is not in the archive"), r.toString());
        Cli.Result beam = Cli.pacs("dose-request", "--user", "physicist", "--password-file", passwordFile.toString(), "--server", server, "--study", STUDY, "--beam", "18mv 10x10");
        assertEquals(2, beam.exitCode(), beam.toString());
        assertTrue(beam.err().contains("--beam: energy 18mv: only 6mv and co60 are modelled"), beam.toString());
    }

    @Test
    void aBeamDescriptionIsSentAsTheApiTakesIt() throws Exception {
        Cli.Result r = Cli.pacs("dose-request", "--user", "physicist", "--password-file", passwordFile.toString(), "--server", server, "--study", STUDY, "--beam",
                "6mv 10x10 ssd=100 mu=100 gantry=0", "--poll", "0.1");
        assertEquals(0, r.exitCode(), r.toString());
        JobRecord job = node.doseJobs().service().list(JobState.DONE).get(0);
        assertEquals(1, job.request().beams().size());
        assertEquals(100.0, job.request().beams().get(0).ssd());
    }
}
