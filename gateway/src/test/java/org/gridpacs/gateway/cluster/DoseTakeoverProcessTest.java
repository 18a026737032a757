package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dose.dicom.CtSeries;
import org.gridpacs.dose.dicom.DerivedIds;
import org.gridpacs.dose.dicom.RtPlanWriter;
import org.gridpacs.gateway.dose.DoseFiles;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.gateway.synthetic.SyntheticCtSeries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The takeover with real processes: three archive nodes ({@code scripts/pacs node}, the real Monte Carlo on a local
 * pool of one thread); a job on node1 is killed with kill -9 mid-simulation; node2 (its successor) takes it over
 * after {@code dose.takeoverSeconds}, reruns it and stores the RT Dose under the UID derived from the job, which
 * C-GET retrieves; node1, started again, shows the job as node2's and done, and does not run it.
 */
@ProcessTest
@Timeout(600)
class DoseTakeoverProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    @BeforeAll
    static void dcmtk() {
        Dcmtk.require();
    }

    @Test
    void aJobOfANodeKilledMidRunIsFinishedByItsSuccessorAndNotRunAgainByTheOldOwner() throws Exception {
        Path ctDir = tmp.resolve("ct");
        String study = SyntheticCtSeries.waterBox(41, 5, 5, 150).write(ctDir, 15, "DOSE-TAKEOVER", "Water^Takeover");
        List<Path> files;
        try (Stream<Path> s = Files.list(ctDir)) {
            files = new ArrayList<>(s.sorted().toList());
        }
        CtSeries planned = DoseFiles.planningView(files.get(0));
        DataSet plan = RtPlanWriter.write(List.of(Beam.symmetric(Beam.Kind.MV6, 100, 5, 5, 0, -7.25, 3.5)), planned,
                "5x5 SSD100", new DerivedIds("tps-takeover-" + study, LocalDateTime.of(2026, 12, 6, 12, 0)));
        files.add(DoseFiles.write(plan, tmp.resolve("plan.dcm")));

        try (ClusterProcesses cluster = ClusterProcesses.builder(tmp.resolve("cluster")).nodes(3).haproxy(false)
                .fsync(false).doseSetting("dose.onArrival = false").doseSetting("dose.threads = 1")
                .doseSetting("dose.takeoverSeconds = 3")
                // each owner calibrates on one thread before it simulates; the calibration only scales the dose,
                // which this test does not check, so 500 000 histories instead of 4 million (twice: node1, node2)
                .doseSetting("dose.calibrationHistories = 500000")
                // no dose worker here: each owner's job runs on its own thread after looking for the grid, which on
                // loopback is refused at once; 1 s instead of 10 s of looking (twice: node1, node2)
                .clusterSetting("cluster.dose.grid.joinTimeoutSeconds = 1").start()) {
            ClusterProcesses.Node node1 = cluster.node("node1");
            ClusterProcesses.Node node2 = cluster.node("node2");
            List<String> storescu = new ArrayList<>(List.of("storescu", "-aet", "TPS", "-aec", ClusterProcesses.AET,
                    ClusterProcesses.HOST, String.valueOf(node1.dicomPort())));
            files.forEach(f -> storescu.add(f.toString()));
            Dcmtk.Result sent = Dcmtk.run(120, storescu.toArray(new String[0]));
            assertEquals(0, sent.exitCode(), sent.output());

            String request = "{\"study\":\"" + study + "\",\"plan\":\"" + plan.getString(Tag.SOPInstanceUID)
                    + "\",\"histories\":4000000,\"seed\":5}";
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + node1.httpPort() + "/dose/jobs"))
                    .header("Authorization", ClusterProcesses.httpAuthorization())
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(request))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, posted.statusCode(), posted.body());
            String id = JSON.readTree(posted.body()).path("id").asText();

            awaitJob(node1, id, j -> j.path("detail").asText().startsWith("simulating"), 120);
            JsonNode seen = awaitJob(node2, id, j -> j.path("state").asText().equals("RUNNING"), 30);
            assertEquals("node1", seen.path("owner").asText(), "node2 lists node1's job");
            cluster.kill("node1");

            JsonNode taken = awaitJob(node2, id, j -> j.path("owner").asText().equals("node2"), 60);
            assertTrue(taken.path("attempts").asInt() >= 2, taken.toString());
            JsonNode done = awaitJob(node2, id, j -> !j.path("state").asText().matches("QUEUED|RUNNING"), 300);
            assertEquals("DONE", done.path("state").asText(), done.toString());
            String doseUid = new DerivedIds(id, LocalDateTime.MIN).doseSopInstanceUid();
            assertEquals(doseUid, done.path("result").path("rtDose").asText(), "the UID derived from the job");

            cluster.restart("node1");
            JsonNode onNode1 = awaitJob(node1, id, j -> true, 5);
            assertEquals("node2", onNode1.path("owner").asText(), "node1 learned at start that node2 took the job");
            JsonNode finalOnNode1 = awaitJob(node1, id, j -> j.path("state").asText().equals("DONE"), 30);
            assertEquals(done.path("attempts").asInt(), finalOnNode1.path("attempts").asInt(),
                    "node1 did not start the job again");

            Path got = Files.createDirectories(tmp.resolve("got"));
            Dcmtk.Result r = Dcmtk.run(120, "getscu", "-S", "-aet", "PHYSICIST", "-aec", ClusterProcesses.AET, "-od",
                    got.toString(), "-k", "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=" + study, "-k",
                    "SeriesInstanceUID=" + new DerivedIds(id, LocalDateTime.MIN).doseSeriesUid(), "-k",
                    "SOPInstanceUID=" + doseUid, ClusterProcesses.HOST, String.valueOf(node2.dicomPort()));
            assertEquals(0, r.exitCode(), r.output());
            try (Stream<Path> s = Files.list(got)) {
                List<Path> retrieved = s.toList();
                assertEquals(1, retrieved.size(), r.output());
                DataSet dose = Instances.read(retrieved.get(0)).dataSet();
                assertEquals(doseUid, dose.getString(Tag.SOPInstanceUID));
                assertEquals(UID.RTDoseStorage, dose.getString(Tag.SOPClassUID));
            }
        }
    }

    private JsonNode awaitJob(ClusterProcesses.Node node, String id, Predicate<JsonNode> until, int seconds)
            throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + node.httpPort() + "/dose/jobs/" + id)).header("Authorization",
                            ClusterProcesses.httpAuthorization()).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                last = JSON.readTree(r.body());
                if (until.test(last)) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + id + " on " + node.name() + " not as expected within " + seconds
                + " s; last seen: " + last + "\n" + node.logTail(30));
    }
}
