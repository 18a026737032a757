package org.gridpacs.gateway.dose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.gridpacs.archive.retrieve.StoredInstance;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dose.dicom.DerivedIds;
import org.gridpacs.dose.dicom.RtPlanReader;
import org.gridpacs.dose.dicom.RtPlanWriter;
import org.gridpacs.dose.jobs.DoseJobsConfig;
import org.gridpacs.dose.jobs.JobRecord;
import org.gridpacs.dose.jobs.JobRequest;
import org.gridpacs.dose.jobs.JobState;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.Mlc;
import org.gridpacs.dose.source.PatientPosition;
import org.gridpacs.gateway.node.ArchiveNode;
import org.gridpacs.gateway.node.DoseSetup;
import org.gridpacs.gateway.node.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real CT (InVesalius' head CT, 256 x 256 x 108) with a three-beam plan, one beam shaped by a static MLC, through
 * the product's job service and calculation: the RT Dose is stored on a 3 mm grid over the CT, is valid (dciodvfy),
 * peaks where the beams cross, and the MLC-shaped beam leaves its blocked leaves' region without primary dose.
 */
@ProcessTest
@Timeout(600)
class HeadCtPlanTest {
    @TempDir
    Path dir;

    @Test
    void aThreeBeamPlanWithAStaticMlcOnARealCt() throws Exception {
        List<Path> ct = HeadCt.write(dir.resolve("ct"), "HEAD-MLC");
        Properties dose = new Properties();
        dose.setProperty("dose.onArrival", "false");
        dose.setProperty("dose.gridMm", "3");
        Properties p = new Properties();
        p.setProperty("dicom.bindAddress", "127.0.0.1");
        p.setProperty("dicom.port", "0");
        p.setProperty("http.port", "0");
        p.setProperty("storage.fsync", "false");
        try (ArchiveNode node = ArchiveNode.start(NodeConfig.from(p, dir.resolve("node")), null, null,
                DoseSetup.defaults().withConfig(DoseJobsConfig.from(dose)))) {
            for (Path f : ct) {
                DataSet ds = Instances.read(f).dataSet();
                node.store().store(StoreRequest.of(ds, UID.ExplicitVRLittleEndian, "CT"), ds);
            }
            // isocentre in the middle of the head; gantry 0 (anterior) open 6 x 6 cm, 120 and 240 shaped by an
            // MLC of 1 cm leaves: only the central 4 pairs open (4 cm along z), each opening 4 cm across
            double[] iso = {0, 0, 8.0};
            int pairs = 10;
            double[] bounds = new double[pairs + 1];
            double[] a = new double[pairs];
            double[] b = new double[pairs];
            for (int i = 0; i <= pairs; i++) {
                bounds[i] = -5 + i;
            }
            for (int i = 0; i < pairs; i++) {
                boolean open = i >= 3 && i < 7;
                a[i] = open ? -2 : 0;
                b[i] = open ? 2 : 0;
            }
            Mlc mlc = new Mlc(bounds, a, b);
            List<Beam> beams = new ArrayList<>();
            beams.add(new Beam(Beam.Kind.MV6, 100, 0, 0, iso[0], iso[1], iso[2], -3, 3, -3, 3, 100, 0,
                    PatientPosition.HFS, null));
            beams.add(new Beam(Beam.Kind.MV6, 100, 120, 0, iso[0], iso[1], iso[2], -5, 5, -5, 5, 100, 0,
                    PatientPosition.HFS, mlc));
            beams.add(new Beam(Beam.Kind.MV6, 100, 240, 0, iso[0], iso[1], iso[2], -5, 5, -5, 5, 100, 0,
                    PatientPosition.HFS, mlc));
            DataSet plan = RtPlanWriter.write(beams, DoseFiles.planningView(ct.get(0)), "HEAD 3F MLC",
                    new DerivedIds("tps-head", LocalDateTime.of(2026, 12, 6, 12, 0)));
            assertEquals(3, RtPlanReader.read(plan).beams().size());
            node.store().store(StoreRequest.of(plan, UID.ExplicitVRLittleEndian, "TPS"), plan);

            String study = plan.getString(Tag.StudyInstanceUID);
            JobRecord job = node.doseJobs().service().submit(new JobRequest(study, plan.getString(Tag.SOPInstanceUID),
                    List.of(), null, 4_000_000L, 7L));
            job = await(node, job.id(), Duration.ofMinutes(8));
            assertEquals(JobState.DONE, job.state(), job.toString());

            Path doseFile = dir.resolve("rtdose.dcm");
            DataSet q = new DataSet();
            q.setString(Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
            q.setString(Tag.StudyInstanceUID, VR.UI, study);
            q.setString(Tag.SOPInstanceUID, VR.UI, job.doseUid());
            try (StoredInstance in = node.retrieveService().open(
                    node.retrieveService().resolve(QueryModel.STUDY_ROOT, q).get(0));
                 org.gridpacs.dicom.io.DicomInputStream dis = new org.gridpacs.dicom.io.DicomInputStream(in.dataSet())) {
                dis.setTransferSyntax(in.transferSyntax());
                DoseFiles.write(dis.readDataSet(), doseFile);
            }
            DoseFiles.RtDose d = DoseFiles.RtDose.read(doseFile);
            // a 3 mm grid over the 245 x 245 x 160.5 mm CT
            assertEquals(3.0, d.spacing()[0], 1e-9);
            assertTrue(d.rows() >= 80 && d.rows() <= 83 && d.frames() >= 53 && d.frames() <= 55, d.rows() + " x " + d.frames());
            Dcmtk.Result v = Dcmtk.run(60, "dciodvfy", doseFile.toString());
            assertTrue(v.output().lines().noneMatch(l -> l.startsWith("Error")), v.output());

            double[] sorted = d.gy().clone();
            java.util.Arrays.sort(sorted);
            double p99 = sorted[(int) (0.99 * (sorted.length - 1))];
            // means of 3 x 3 x 3 voxels: a 3 mm grid with 4 million histories is noisy voxel by voxel
            double atIso = mean27(d, iso[0] * 10, iso[1] * 10, iso[2] * 10);
            assertTrue(atIso > 0.6 * p99, "the beams cross at the isocentre: " + atIso + " Gy, 99th percentile " + p99);
            // three 100 MU beams at 7-10 cm depth in a head: about 0.8 Gy each
            assertTrue(atIso > 1.5 && atIso < 3.5, "dose at the isocentre " + atIso + " Gy");
            // 3.5 cm along z from the isocentre is outside the 6 cm open field and beyond the MLC opening of the
            // other two (2 cm half-length): scatter only
            double blocked = mean27(d, iso[0] * 10, iso[1] * 10, iso[2] * 10 + 35);
            assertTrue(blocked < 0.2 * atIso, "no primary dose beyond the closed leaves: " + blocked + " vs " + atIso);
        }
    }

    private static double mean27(DoseFiles.RtDose d, double xMm, double yMm, double zMm) {
        double sum = 0;
        for (int dz = -1; dz <= 1; dz++) {
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    sum += d.gy()[voxel(d, xMm + 3 * dx, yMm + 3 * dy, zMm + 3 * dz)];
                }
            }
        }
        return sum / 27;
    }

    private static int voxel(DoseFiles.RtDose d, double xMm, double yMm, double zMm) {
        int col = (int) Math.round((xMm - d.ipp()[0]) / d.spacing()[1]);
        int row = (int) Math.round((yMm - d.ipp()[1]) / d.spacing()[0]);
        int frame = (int) Math.round((zMm - d.ipp()[2]) / (d.offsets()[1] - d.offsets()[0]));
        return (frame * d.rows() + row) * d.columns() + col;
    }

    private static JobRecord await(ArchiveNode node, String id, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            JobRecord j = node.doseJobs().service().get(id).orElseThrow();
            if (j.state() == JobState.DONE || j.state() == JobState.FAILED || j.state() == JobState.CANCELLED) {
                return j;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("job " + id + " did not end within " + limit);
    }
}
