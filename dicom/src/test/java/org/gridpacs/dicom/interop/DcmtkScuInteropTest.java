package org.gridpacs.dicom.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.interop.Interop.Instance;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.Peers;
import org.gridpacs.dicom.testutil.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;

/**
 * DCMTK's SCUs against our SCP: echoscu, storescu (uncompressed and JPEG), findscu, movescu (our SCP
 * sending to a DCMTK storescp) and getscu. Checks the SCP side: response framing, pending sub-operation
 * counts, role selection for C-GET, and the transfer syntax the peer accepted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
@ProcessTest
class DcmtkScuInteropTest {
    private static final String SCP = "GRIDSCP";
    private static final String SCU = "DCMTKSCU";

    private Path tmp;
    private Path incoming;
    private DicomServer server;
    private Peers.Peer storescp;
    private Catalog catalog;
    private Instance ct;
    private Instance jpeg;
    private List<Instance> mrSeries;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Dcmtk.require();
        tmp = dir;
        ct = Instance.pydicom("CT_small.dcm");
        jpeg = Instance.pydicom("SC_rgb_jpeg_dcmtk.dcm");
        Instance mr = Instance.pydicom("MR_small.dcm");
        mrSeries = List.of(mr, mr.derive(mr.sopInstanceUID() + ".2", 2, UID.ImplicitVRLittleEndian),
                mr.derive(mr.sopInstanceUID() + ".3", 3, UID.ExplicitVRBigEndian));
        catalog = new Catalog(tmp.resolve("catalog"), SCP);
        catalog.add(ct).add(jpeg).add(Instance.pydicom("rtplan.dcm"));
        for (Instance i : mrSeries) {
            catalog.add(i);
        }

        storescp = Peers.storescp(tmp.resolve("storescp"), "STORESCP");
        catalog.destination("STORESCP", Peers.HOST, storescp.port());
        catalog.destination("CLOSEDPORT", Peers.HOST, Ports.freePort());
        incoming = Files.createDirectories(tmp.resolve("incoming"));
        server = new DicomServer(Interop.SETTINGS, new AcceptPolicy(SCP).accept(AcceptPolicy.ANY, AcceptPolicy.ANY),
                new Services().store(Interop.folderStore(incoming)).find(catalog.find()).move(catalog.move())
                        .get(catalog.get()))
                .start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterAll
    void stop() {
        try {
            if (storescp != null) {
                storescp.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Runs a DCMTK tool against our SCP (host and port appended, then the extra trailing arguments). */
    private Dcmtk.Result run(String tool, List<String> options, String... trailing) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        cmd.addAll(List.of("-v", "-aet", SCU, "-aec", SCP, "-to", "10", "-ta", "10", "-td", "10"));
        cmd.addAll(options);
        cmd.add(Peers.HOST);
        cmd.add(String.valueOf(server.port()));
        cmd.addAll(List.of(trailing));
        return Dcmtk.run(30, cmd.toArray(new String[0]));
    }

    private static String[] key(String... kv) {
        List<String> out = new ArrayList<>();
        for (String s : kv) {
            out.add("-k");
            out.add(s);
        }
        return out.toArray(new String[0]);
    }

    private static List<String> opts(String[]... parts) {
        List<String> out = new ArrayList<>();
        for (String[] p : parts) {
            out.addAll(List.of(p));
        }
        return out;
    }

    private static String study(Instance i) {
        return i.dataSet().getString(Tag.StudyInstanceUID);
    }

    @Test
    void echoscu() throws Exception {
        Dcmtk.Result ok = run("echoscu", List.of());
        assertEquals(0, ok.exitCode(), ok.output());
        Dcmtk.Result wrong = Dcmtk.run(30, "echoscu", "-aet", SCU, "-aec", "NOT_US", Peers.HOST,
                String.valueOf(server.port()));
        assertNotEquals(0, wrong.exitCode(), "called AE title not ours must be rejected: " + wrong.output());
        assertTrue(wrong.output().contains("Called AE Title Not Recognized"), wrong.output());
    }

    @Test
    void storescuUncompressed() throws Exception {
        List<Instance> files = Interop.read("CT_small.dcm", "rtplan.dcm", "ExplVR_BigEnd.dcm", "MR_small_implicit.dcm");
        List<String> paths = files.stream().map(i -> i.path().toString()).toList();
        Dcmtk.Result r = run("storescu", List.of("-R"), paths.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.output());
        Map<String, Instance> got = Interop.readFolder(incoming);
        // storescu may convert between the uncompressed syntaxes we both accept; the content must not change
        Interop.assertReceived(files, got, false);
    }

    @Test
    void storescuJpeg() throws Exception {
        // written by DCMTK: DCMTK's reader normalises some padding of other writers' files
        Instance baseline = Instance.pydicom("SC_rgb_jpeg_dcmtk.dcm");
        Instance lossless = Instance.pydicom("SC_rgb_jpeg_gdcm.dcm");
        Dcmtk.Result r1 = run("storescu", List.of("-xy"), baseline.path().toString());
        assertEquals(0, r1.exitCode(), r1.output());
        Dcmtk.Result r2 = run("storescu", List.of("-xs"), lossless.path().toString());
        assertEquals(0, r2.exitCode(), r2.output());
        Map<String, Instance> got = Interop.readFolder(incoming);
        // accepted in the JPEG syntax storescu proposed first, so stored as sent
        Interop.assertReceived(List.of(baseline, lossless), got, true);
    }

    @Test
    void findscu() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("find-studies"));
        Dcmtk.Result r = run("findscu", opts(new String[] {"-S", "-X", "-od", out.toString()},
                key("QueryRetrieveLevel=STUDY", "PatientName=Compressed*", "StudyInstanceUID", "PatientID", "StudyDate")));
        assertEquals(0, r.exitCode(), r.output());
        List<DataSet> studies = responses(out);
        assertEquals(List.of(study(ct), study(mrSeries.get(0))).stream().sorted().toList(),
                studies.stream().map(d -> d.getString(Tag.StudyInstanceUID)).sorted().toList());
        for (DataSet d : studies) {
            assertEquals(d.getString(Tag.PatientID).equals("1CT1") ? "20040119" : "20040826", d.getString(Tag.StudyDate));
            assertEquals("STUDY", d.getString(Tag.QueryRetrieveLevel));
        }

        Path images = Files.createDirectories(tmp.resolve("find-images"));
        Dcmtk.Result r2 = run("findscu", opts(new String[] {"-P", "-X", "-od", images.toString()},
                key("QueryRetrieveLevel=IMAGE", "PatientID=4MR1", "StudyInstanceUID=" + study(mrSeries.get(0)),
                        "SeriesInstanceUID=" + mrSeries.get(0).dataSet().getString(Tag.SeriesInstanceUID),
                        "SOPInstanceUID", "InstanceNumber")));
        assertEquals(0, r2.exitCode(), r2.output());
        List<DataSet> found = responses(images);
        assertEquals(mrSeries.stream().map(Instance::sopInstanceUID).sorted().toList(),
                found.stream().map(d -> d.getString(Tag.SOPInstanceUID)).sorted().toList());
    }

    /** findscu -X writes each response as rsp0001.dcm, rsp0002.dcm, ... */
    private static List<DataSet> responses(Path dir) throws IOException {
        List<DataSet> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("rsp")).sorted().toList()) {
                out.add(Instance.read(p).dataSet());
            }
        }
        return out;
    }

    @Test
    void movescuToStorescp() throws Exception {
        String series = mrSeries.get(0).dataSet().getString(Tag.SeriesInstanceUID);
        Dcmtk.Result r = run("movescu", opts(new String[] {"-S", "-d", "-aem", "STORESCP"},
                key("QueryRetrieveLevel=SERIES", "StudyInstanceUID=" + study(mrSeries.get(0)),
                        "SeriesInstanceUID=" + series)));
        assertEquals(0, r.exitCode(), r.output());
        // movescu -d lists each response's command: three pending responses counting down, then success
        assertEquals(List.of("2", "1", "0", "none"), field(r.output(), "Remaining Suboperations"), r.output());
        assertEquals(List.of("1", "2", "3", "3"), field(r.output(), "Completed Suboperations"), r.output());
        assertEquals(List.of("0", "0", "0", "0"), field(r.output(), "Failed Suboperations"), r.output());
        assertTrue(r.output().contains("Received Final Move Response"), r.output());
        assertTrue(r.output().contains("0x0000: Success"), r.output());
        Dcmtk.Result r2 = run("movescu", opts(new String[] {"-S", "-aem", "STORESCP"},
                key("QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study(jpeg))));
        assertEquals(0, r2.exitCode(), r2.output());
        List<Instance> expected = new ArrayList<>(mrSeries);
        expected.add(jpeg);
        // storescp accepts every syntax (+xa), so each instance travels in the syntax it is stored in
        Interop.assertReceived(expected, Interop.readFolder(storescp.files()), true);
    }

    /** The values of a field in DCMTK's debug listing of DIMSE messages, e.g. "Completed Suboperations : 3". */
    private static List<String> field(String output, String name) {
        List<String> values = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("D: " + java.util.regex.Pattern.quote(name) + "\\s*: (\\S+)")
                .matcher(output);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    @Test
    void movescuToUnknownOrUnreachableDestinationFails() throws Exception {
        Dcmtk.Result unknown = run("movescu", opts(new String[] {"-S", "-aem", "NOWHERE"},
                key("QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study(ct))));
        assertTrue(unknown.output().contains("Refused: MoveDestinationUnknown"), unknown.output());
        Dcmtk.Result closed = run("movescu", opts(new String[] {"-S", "-aem", "CLOSEDPORT"},
                key("QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study(ct))));
        // a final failure response, not silence until movescu's DIMSE timeout
        assertTrue(closed.output().contains("Refused: OutOfResourcesSubOperations"), closed.output());
    }

    @Test
    void getscu() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("get"));
        String series = mrSeries.get(0).dataSet().getString(Tag.SeriesInstanceUID);
        Dcmtk.Result r = run("getscu", opts(new String[] {"-S", "-d", "-od", out.toString()},
                key("QueryRetrieveLevel=SERIES", "StudyInstanceUID=" + study(mrSeries.get(0)),
                        "SeriesInstanceUID=" + series)));
        assertEquals(0, r.exitCode(), r.output());
        // role selection: we accepted the SCP role getscu proposed for the storage SOP class
        assertTrue(java.util.regex.Pattern.compile("Abstract Syntax: =MRImageStorage\\s+D:\\s+Proposed SCP/SCU Role: SCP"
                + "\\s+D:\\s+Accepted SCP/SCU Role: SCP").matcher(r.output()).find(), r.output());
        assertEquals(List.of("2", "1", "0", "none"), field(r.output(), "Remaining Suboperations"));
        assertEquals(List.of("1", "2", "3", "3"), field(r.output(), "Completed Suboperations"));
        assertTrue(r.output().contains("0x0000: Success: Sub-operations complete"), r.output());
        Map<String, Instance> got = Interop.readFolder(out);
        assertEquals(3, got.size(), "received " + got.keySet() + "\n" + r.output());
        // getscu accepts the uncompressed syntaxes: what is stored otherwise is re-encoded, content unchanged
        Interop.assertReceived(mrSeries, got, false);

        Path outJpeg = Files.createDirectories(tmp.resolve("get-jpeg"));
        Dcmtk.Result r2 = run("getscu", opts(new String[] {"-S", "+xy", "-od", outJpeg.toString()},
                key("QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study(jpeg))));
        assertEquals(0, r2.exitCode(), r2.output());
        Interop.assertReceived(List.of(jpeg), Interop.readFolder(outJpeg), true);
    }
}
