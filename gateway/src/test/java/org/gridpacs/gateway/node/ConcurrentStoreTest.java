package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.testutil.Dcmtk.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.SyntheticInstances;

/**
 * The same study (3 series of 20 instances) sent at once over several associations, every association sending
 * every instance: the node ends with one patient, one study, one series per Series Instance UID and one instance
 * (and one file) per SOP Instance UID, as C-FIND at each level and the index's rows say.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrentStoreTest {
    static final int SERIES = 3;
    static final int PER_SERIES = 20;

    @TempDir
    Path tmp;
    RunningNode node;

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    /** The generated study: its instances, also written as files for storescu. */
    record Study(String patientID, String studyUID, List<String> seriesUIDs, List<DataSet> instances, Path dir) {
        Set<String> sopInstanceUIDs() {
            return instances.stream().map(d -> d.getString(Tag.SOPInstanceUID)).collect(Collectors.toSet());
        }
    }

    private Study generate(String patientID) throws Exception {
        String study = Implementation.newUID();
        List<String> series = new ArrayList<>();
        List<DataSet> instances = new ArrayList<>();
        Path dir = Files.createDirectories(tmp.resolve("study-" + patientID));
        for (int s = 0; s < SERIES; s++) {
            series.add(Implementation.newUID());
            for (int i = 1; i <= PER_SERIES; i++) {
                DataSet ds = SyntheticInstances.ct(patientID, study, series.get(s), i, s * 100 + i);
                ds.setInt(Tag.SeriesNumber, org.gridpacs.dicom.data.VR.IS, s + 1);
                instances.add(ds);
                try (OutputStream os = Files.newOutputStream(dir.resolve(String.format("s%d-%02d.dcm", s, i)));
                     DicomOutputStream dos = new DicomOutputStream(os)) {
                    dos.writeFileMetaInformation(FileMetaInformation.create(UID.CTImageStorage,
                            ds.getString(Tag.SOPInstanceUID), UID.ExplicitVRLittleEndian, null));
                    dos.writeDataSet(ds);
                }
            }
        }
        return new Study(patientID, study, series, instances, dir);
    }

    /** Four storescu processes, started together, each sending the whole study on its association. */
    @Test
    @ProcessTest
    void sameStudyOverFourStorescuAssociations() throws Exception {
        node = RunningNode.start(tmp.resolve("node"));
        Study study = generate("CONC4");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CyclicBarrier start = new CyclicBarrier(4);
            List<Future<Result>> runs = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                String aet = "STORESCU" + k;
                runs.add(pool.submit(() -> {
                    start.await();
                    return Dcmtk.storescu(node, aet, study.dir(), "-R", "-xe", "+sd");
                }));
            }
            for (Future<Result> f : runs) {
                Result r = f.get(90, TimeUnit.SECONDS);
                assertEquals(0, r.exitCode(), Dcmtk.complaints(r.output()));
                assertEquals(SERIES * PER_SERIES, r.output().split("Received Store Response \\(Success\\)", -1).length - 1,
                        "successful C-STOREs of one storescu");
            }
        } finally {
            // not shutdownNow: an interrupted wait would leave its storescu running; each run has its own timeout
            pool.shutdown();
            pool.awaitTermination(150, TimeUnit.SECONDS);
        }
        assertOneOfEach(study);
    }

    /**
     * Sixteen associations of our toolkit in threads, released together, each storing every instance in the same
     * order: sixteen stores of the same instance, the first ones of a new patient, study and series, race.
     */
    @Test
    void sameStudyOverSixteenAssociations() throws Exception {
        node = RunningNode.start(tmp.resolve("node"));
        Study study = generate("CONC16");
        List<byte[]> encoded = new ArrayList<>();
        for (DataSet ds : study.instances()) {
            encoded.add(RunningNode.encode(ds));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CyclicBarrier start = new CyclicBarrier(16);
            List<Future<List<Integer>>> runs = new ArrayList<>();
            for (int k = 0; k < 16; k++) {
                String aet = "SCU" + k;
                runs.add(pool.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    try (Association as = node.connectForStore(aet, UID.CTImageStorage)) {
                        start.await();
                        for (int i = 0; i < encoded.size(); i++) {
                            DimseResponse rsp = RunningNode.store(as, UID.CTImageStorage,
                                    study.instances().get(i).getString(Tag.SOPInstanceUID), encoded.get(i));
                            statuses.add(rsp.status());
                        }
                        as.release();
                    }
                    return statuses;
                }));
            }
            for (Future<List<Integer>> f : runs) {
                List<Integer> statuses = f.get(90, TimeUnit.SECONDS);
                assertEquals(SERIES * PER_SERIES, statuses.size());
                assertEquals(Set.of(Status.SUCCESS), new HashSet<>(statuses), "statuses of one association");
            }
        } finally {
            pool.shutdownNow();
        }
        assertOneOfEach(study);
    }

    private void assertOneOfEach(Study study) throws Exception {
        // C-FIND, level by level
        assertEquals(1, node.find("PATIENT", Tag.PatientID, study.patientID(), Tag.NumberOfPatientRelatedStudies, "")
                .size(), "patients");
        List<DataSet> studies = node.find("STUDY", Tag.PatientID, study.patientID(), Tag.StudyInstanceUID, "",
                Tag.NumberOfStudyRelatedSeries, "", Tag.NumberOfStudyRelatedInstances, "");
        assertEquals(1, studies.size(), "studies");
        assertEquals(study.studyUID(), studies.get(0).getString(Tag.StudyInstanceUID));
        assertEquals(String.valueOf(SERIES), studies.get(0).getString(Tag.NumberOfStudyRelatedSeries));
        assertEquals(String.valueOf(SERIES * PER_SERIES), studies.get(0).getString(Tag.NumberOfStudyRelatedInstances));
        List<DataSet> series = node.find("SERIES", Tag.StudyInstanceUID, study.studyUID(), Tag.SeriesInstanceUID, "",
                Tag.NumberOfSeriesRelatedInstances, "");
        assertEquals(SERIES, series.size(), "series");
        assertEquals(new HashSet<>(study.seriesUIDs()),
                series.stream().map(d -> d.getString(Tag.SeriesInstanceUID)).collect(Collectors.toSet()));
        Set<String> found = new HashSet<>();
        int images = 0;
        for (DataSet s : series) {
            assertEquals(String.valueOf(PER_SERIES), s.getString(Tag.NumberOfSeriesRelatedInstances));
            List<DataSet> matches = node.find("IMAGE", Tag.StudyInstanceUID, study.studyUID(),
                    Tag.SeriesInstanceUID, s.getString(Tag.SeriesInstanceUID), Tag.SOPInstanceUID, "");
            images += matches.size();
            matches.forEach(m -> found.add(m.getString(Tag.SOPInstanceUID)));
        }
        assertEquals(SERIES * PER_SERIES, images, "instances found");
        assertEquals(study.sopInstanceUIDs(), found);

        // the index's rows, and one file per instance
        node.stop();
        Map<String, Long> rows = node.indexRowCounts();
        assertEquals(Map.of("patient", 1L, "study", 1L, "series", (long) SERIES, "instance", (long) SERIES * PER_SERIES,
                "location", (long) SERIES * PER_SERIES), new TreeMap<>(rows));
        try (Connection c = node.openIndex(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT num_series, num_instances FROM study")) {
                rs.next();
                assertEquals(SERIES, rs.getInt(1), "study.num_series");
                assertEquals(SERIES * PER_SERIES, rs.getInt(2), "study.num_instances");
            }
            try (ResultSet rs = s.executeQuery("SELECT num_instances FROM series")) {
                while (rs.next()) {
                    assertEquals(PER_SERIES, rs.getInt(1), "series.num_instances");
                }
            }
        }
        assertEquals(SERIES * PER_SERIES, node.storageFiles().size(), "files in storage");
    }
}
