package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.Dcmtk.Result;
import org.gridpacs.dicom.testutil.Peers;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.gateway.synthetic.SyntheticCtSeries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.Instances;

/**
 * The running archive node end to end with DCMTK as every peer: {@code storescu} sends, {@code findscu} finds,
 * {@code movescu} moves to a DCMTK {@code storescp} configured as a known AE, {@code getscu} gets; what comes
 * back must be what was sent, element by element and in the transfer syntax it was sent in.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@ProcessTest
class DcmtkEndToEndTest {
    @TempDir
    static Path shared;
    static Peers.Peer storescp;

    @TempDir
    Path tmp;
    RunningNode node;

    @BeforeAll
    static void startStorescp() throws IOException {
        org.gridpacs.dicom.testutil.Dcmtk.require();
        storescp = Peers.storescp(shared.resolve("storescp"), "STORESCP");
    }

    @AfterAll
    static void stopStorescp() {
        if (storescp != null) {
            storescp.close();
        }
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private RunningNode startNode(String... settings) throws IOException {
        List<String> all = new ArrayList<>(List.of("ae.STORESCP=" + Peers.HOST + ":" + storescp.port()));
        all.addAll(List.of(settings));
        return RunningNode.start(tmp.resolve("node"), all.toArray(new String[0]));
    }

    /** A corpus file as our toolkit reads it (uid fields null when it cannot). */
    record Candidate(Path file, String name, String sopInstanceUID, String studyUID, String seriesUID, String ts,
                     String missing) {
    }

    private static Candidate describe(Path file) {
        String name = TestData.PYDICOM_DATA.relativize(file).toString();
        try {
            Instances.Instance i = Instances.read(file);
            DataSet ds = i.dataSet();
            List<String> missing = new ArrayList<>();
            for (int tag : new int[] {Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.StudyInstanceUID, Tag.SeriesInstanceUID}) {
                String v = ds.getString(tag);
                if (v == null || v.isBlank()) {
                    missing.add(org.gridpacs.dicom.data.ElementDictionary.keywordOf(tag));
                }
            }
            return new Candidate(file, name, i.sopInstanceUID(), ds.getString(Tag.StudyInstanceUID),
                    ds.getString(Tag.SeriesInstanceUID), i.transferSyntaxUID(),
                    missing.isEmpty() ? null : "its data set has no " + String.join(", ", missing));
        } catch (IOException | RuntimeException e) {
            return new Candidate(file, name, null, null, null, null, "our toolkit cannot read it: " + e.getMessage());
        }
    }

    /**
     * Every file of pydicom's corpus that DCMTK's storescu sends, through store, find, move and get. The corpus
     * holds the same instance in several encodings (MR_small in eight transfer syntaxes, rtdose in five, ...): they
     * go in rounds, each with at most one file per SOP Instance UID, and the node replaces (policy REPLACE) the
     * object of an earlier round with the new encoding, which each round then checks. Files storescu does not
     * send are skipped with its reason; the only refusal allowed to the node is A900 for a data set without a
     * Type 1 UID it indexes by.
     */
    @Test
    void pydicomCorpusThroughStorescuFindscuMovescuGetscu() throws Exception {
        node = startNode("store.duplicatePolicy=REPLACE");
        List<List<Candidate>> rounds = new ArrayList<>();
        for (Path file : TestData.pydicomCorpus()) {
            Candidate c = describe(file);
            int r = 0;
            while (r < rounds.size() && c.sopInstanceUID() != null
                    && rounds.get(r).stream().anyMatch(o -> c.sopInstanceUID().equals(o.sopInstanceUID()))) {
                r++;
            }
            if (r == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(r).add(c);
        }
        Map<String, String> skipped = new TreeMap<>();
        Map<String, String> notGot = new TreeMap<>();
        Map<String, Candidate> current = new LinkedHashMap<>(); // by SOP Instance UID: the file last stored
        int sent = 0;
        for (int r = 0; r < rounds.size(); r++) {
            List<Candidate> stored = new ArrayList<>();
            for (Candidate c : rounds.get(r)) {
                String refused = send(c);
                if (refused == null) {
                    stored.add(c);
                    current.put(c.sopInstanceUID(), c);
                    sent++;
                } else {
                    skipped.put(c.name(), refused);
                }
            }
            if (stored.isEmpty()) {
                continue;
            }
            Path roundDir = tmp.resolve("round" + r);
            assertFound(stored, roundDir);
            assertMoved(stored, roundDir);
            assertGot(stored, roundDir, notGot);
        }
        StringBuilder report = new StringBuilder("pydicom corpus: " + sent + " files stored in " + rounds.size()
                + " rounds, " + current.size() + " distinct instances; skipped " + skipped.size() + ":\n");
        skipped.forEach((k, v) -> report.append("  ").append(k).append(": ").append(v).append('\n'));
        report.append("not retrieved by getscu (it cannot ask for their transfer syntax; movescu and the stored file"
                + " cover them): ").append(notGot).append('\n');
        System.out.print(report);

        // the corpus is not mostly skipped, and what is skipped is not what it has plenty of
        assertTrue(sent >= 90, report.toString());
        for (String must : List.of("test_files/CT_small.dcm", "test_files/MR_small.dcm", "test_files/MR_small_bigendian.dcm",
                "test_files/MR_small_implicit.dcm", "test_files/MR_small_RLE.dcm", "test_files/JPEG2000.dcm",
                "test_files/SC_rgb_jpeg_dcmtk.dcm", "test_files/MR_small_jpeg_ls_lossless.dcm", "test_files/image_dfl.dcm",
                "test_files/rtplan.dcm", "test_files/waveform_ecg.dcm", "charset_files/chrJapMulti.dcm")) {
            assertTrue(!skipped.containsKey(must), must + " was skipped: " + skipped.get(must));
        }
        for (String reason : skipped.values()) {
            assertTrue(reason.startsWith("storescu ") || reason.startsWith("the node refuses it"), reason);
        }

        // every study is found at the study level, once
        List<String> studies = node.find("STUDY", Tag.StudyInstanceUID, "").stream()
                .map(d -> d.getString(Tag.StudyInstanceUID)).toList();
        Set<String> expectedStudies = current.values().stream().map(Candidate::studyUID).collect(Collectors.toSet());
        assertEquals(expectedStudies, new HashSet<>(studies));
        assertEquals(studies.size(), new HashSet<>(studies).size(), "a study found twice: " + studies);

        // the index names one file per instance, in the transfer syntax it was sent in, holding what was sent
        node.stop();
        List<RunningNode.IndexedFile> indexed = node.indexedFiles();
        assertEquals(current.size(), indexed.size(), "index locations");
        for (RunningNode.IndexedFile f : indexed) {
            Candidate c = current.get(f.sopInstanceUID());
            assertNotNull(c, "indexed instance that was not sent: " + f);
            assertEquals(c.ts(), f.transferSyntaxUID(), "transfer syntax in the index of " + c.name());
            Path stored = node.storageRoot().resolve(f.storageKey());
            assertEquals(Files.size(stored), f.size(), "size of " + stored);
            Instances.assertSameInstance(c.file(), stored, true, Instances::normalizeLikeDcmtkStoring);
        }
        assertEquals(current.size(), node.storageFiles().size(), "files in storage (replaced objects must be gone)");
        assertEquals(current.size(), node.indexRowCounts().get("instance"));
    }

    /** Sends one file with storescu proposing its own transfer syntax; null when stored, else why not. */
    private String send(Candidate c) throws IOException, InterruptedException {
        String option = c.ts() == null ? "-xe" : Dcmtk.storescuOption(c.ts());
        if (option == null) {
            return "storescu has no option to propose its transfer syntax " + c.ts();
        }
        Result r = Dcmtk.storescu(node, "STORESCU", c.file(), "-R", option);
        String response = Dcmtk.lastResponse(r.output(), "Store");
        if (response == null) {
            return "storescu does not send it: " + Dcmtk.complaints(r.output());
        }
        if (response.equals("Success")) {
            assertEquals(0, r.exitCode(), r.output());
            if (c.sopInstanceUID() == null || c.missing() != null) {
                throw new AssertionError("the node stored " + c.name() + ", though " + c.missing());
            }
            return null;
        }
        // the node refused it: only a data set without a UID the index needs may be refused, with A900
        if (c.missing() != null && response.contains("DataSetDoesNotMatchSOPClass")) {
            return "the node refuses it (" + response + ", A900): " + c.missing();
        }
        throw new AssertionError("the node refused " + c.name() + ": " + response + "\n" + r.output());
    }

    /** findscu at the IMAGE level finds exactly the round's instances, each once. */
    private void assertFound(List<Candidate> stored, Path dir) throws Exception {
        DataSet q = new DataSet();
        q.setString(Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
        q.setString(Tag.StudyInstanceUID, VR.UI, distinct(stored, Candidate::studyUID));
        q.setString(Tag.SeriesInstanceUID, VR.UI, distinct(stored, Candidate::seriesUID));
        q.setString(Tag.SOPInstanceUID, VR.UI, distinct(stored, Candidate::sopInstanceUID));
        q.setNull(Tag.SOPClassUID, VR.UI);
        Path out = Files.createDirectories(dir.resolve("findscu"));
        Result r = Dcmtk.run(60, "findscu", "-v", "-S", "-aet", "FINDSCU", "-aec", RunningNode.AET, "-X", "-od",
                out.toString(), RunningNode.HOST, String.valueOf(node.port()),
                Dcmtk.queryFile(dir.resolve("find.dcm"), q).toString());
        assertEquals(0, r.exitCode(), r.output());
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.toList()) {
                found.add(Instances.read(p).dataSet().getString(Tag.SOPInstanceUID));
            }
        }
        List<String> expected = stored.stream().map(Candidate::sopInstanceUID).sorted().toList();
        assertEquals(expected, found.stream().sorted().toList(), "findscu matches\n" + r.output());
    }

    /** movescu moves the round's instances to storescp: all of them arrive, each as it was sent. */
    private void assertMoved(List<Candidate> stored, Path dir) throws Exception {
        clear(storescp.files());
        DataSet q = new DataSet();
        q.setString(Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
        q.setString(Tag.SOPInstanceUID, VR.UI, distinct(stored, Candidate::sopInstanceUID));
        Result r = Dcmtk.run(120, "movescu", "-v", "-S", "-aet", "MOVESCU", "-aec", RunningNode.AET, "-aem", "STORESCP",
                RunningNode.HOST, String.valueOf(node.port()), Dcmtk.queryFile(dir.resolve("move.dcm"), q).toString());
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("Success", Dcmtk.lastResponse(r.output(), "Final Move"), r.output());
        Map<String, Path> received = Instances.bySopInstanceUID(storescp.files());
        assertEquals(stored.size(), received.size(), "instances storescp received\n" + r.output());
        for (Candidate c : stored) {
            Path p = received.get(c.sopInstanceUID());
            assertNotNull(p, c.name() + " did not arrive at storescp");
            Instances.assertSameInstance(c.file(), p, true, Instances::normalizeLikeDcmtkStoring);
        }
    }

    /**
     * getscu gets the round's instances, one getscu per transfer syntax preferring that syntax (getscu proposes
     * one compressed syntax at a time), each as it was sent. Syntaxes getscu has no option for are noted.
     */
    private void assertGot(List<Candidate> stored, Path dir, Map<String, String> notGot) throws Exception {
        Map<String, List<Candidate>> bySyntax = stored.stream()
                .collect(Collectors.groupingBy(Candidate::ts, TreeMap::new, Collectors.toList()));
        for (Map.Entry<String, List<Candidate>> e : bySyntax.entrySet()) {
            String option = Dcmtk.getscuOption(e.getKey());
            if (option == null) {
                e.getValue().forEach(c -> notGot.put(c.name(), e.getKey()));
                continue;
            }
            Path out = Files.createDirectories(dir.resolve("getscu-" + e.getKey()));
            DataSet q = new DataSet();
            q.setString(Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
            q.setString(Tag.SOPInstanceUID, VR.UI, distinct(e.getValue(), Candidate::sopInstanceUID));
            Result r = Dcmtk.run(120, "getscu", "-v", "-S", "-aet", "GETSCU", "-aec", RunningNode.AET, option, "-od",
                    out.toString(), RunningNode.HOST, String.valueOf(node.port()),
                    Dcmtk.queryFile(dir.resolve("get-" + e.getKey() + ".dcm"), q).toString());
            assertEquals(0, r.exitCode(), r.output());
            Map<String, Path> received = Instances.bySopInstanceUID(out);
            for (Candidate c : e.getValue()) {
                Path p = received.get(c.sopInstanceUID());
                assertNotNull(p, c.name() + " (" + e.getKey() + ") did not arrive at getscu\n" + r.output());
                Instances.assertSameInstance(c.file(), p, true, Instances::normalizeLikeDcmtkStoring);
            }
            assertEquals(e.getValue().size(), received.size(), "instances getscu received");
            assertEquals("Success", Dcmtk.lastResponse(r.output(), "C-GET"), r.output());
        }
    }

    /**
     * A generated 300-slice 512 x 512 CT series: storescu sends the folder on one association, C-FIND counts it,
     * movescu moves the study to storescp, and every slice arrives as it was sent.
     */
    @Test
    void syntheticCtSeriesOf300SlicesStoredAndMoved() throws Exception {
        Path dir = tmp.resolve("ct");
        String study = SyntheticCtSeries.standard().write(dir, 300, "SYN300", "Phantom^Three^Hundred");
        node = startNode();
        Result r = Dcmtk.storescu(node, "STORESCU", dir, "-R", "-xe", "+sd");
        assertEquals(0, r.exitCode(), Dcmtk.complaints(r.output()));
        assertEquals(300, r.output().split("Received Store Response \\(Success\\)", -1).length - 1, "successful C-STOREs");

        List<DataSet> series = node.find("SERIES", Tag.StudyInstanceUID, study, Tag.SeriesInstanceUID, "",
                Tag.NumberOfSeriesRelatedInstances, "");
        assertEquals(1, series.size());
        assertEquals("300", series.get(0).getString(Tag.NumberOfSeriesRelatedInstances));
        List<DataSet> images = node.find("IMAGE", Tag.StudyInstanceUID, study,
                Tag.SeriesInstanceUID, series.get(0).getString(Tag.SeriesInstanceUID), Tag.SOPInstanceUID, "");
        assertEquals(300, images.stream().map(d -> d.getString(Tag.SOPInstanceUID)).distinct().count());

        clear(storescp.files());
        r = Dcmtk.run(180, "movescu", "-v", "-S", "-aet", "MOVESCU", "-aec", RunningNode.AET, "-aem", "STORESCP",
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study,
                RunningNode.HOST, String.valueOf(node.port()));
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("Success", Dcmtk.lastResponse(r.output(), "Final Move"), Dcmtk.complaints(r.output()));
        Map<String, Path> received = Instances.bySopInstanceUID(storescp.files());
        assertEquals(300, received.size());
        try (Stream<Path> s = Files.list(dir)) {
            for (Path sentFile : s.toList()) {
                Path p = received.get(Instances.read(sentFile).sopInstanceUID());
                assertNotNull(p, sentFile + " did not arrive");
                Instances.assertSameInstance(sentFile, p, true, Instances::normalizeLikeDcmtkStoring);
            }
        }
        clear(storescp.files()); // 150 MB
    }

    private static String[] distinct(List<Candidate> cs, java.util.function.Function<Candidate, String> f) {
        return cs.stream().map(f).collect(Collectors.toCollection(LinkedHashSet::new)).toArray(new String[0]);
    }

    private static void clear(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
    }
}
