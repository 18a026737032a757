package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.Instances;

/** {@code pacs store} to DCMTK's storescp and to our own receiver. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoreTest {
    /** One file per kind of encoding: explicit/implicit VR LE, big endian, bare data set, compressed, deflated. */
    static final List<String> VARIED = List.of("CT_small.dcm", "rtplan.dcm", "MR_small_bigendian.dcm", "rtstruct.dcm",
            "SC_rgb_jpeg_dcmtk.dcm", "JPEG2000.dcm", "rtdose_rle.dcm", "image_dfl.dcm");

    @TempDir
    Path tmp;

    private Process storescp(int port, Path out, String... options) throws Exception {
        Files.createDirectories(out);
        List<String> cmd = new ArrayList<>(List.of("storescp", "-aet", "STORESCP", "-od", out.toString()));
        cmd.addAll(List.of(options));
        cmd.add(String.valueOf(port));
        return Cli.startServer(port, tmp.resolve("storescp.log"), cmd.toArray(new String[0]));
    }

    @Test
    @ProcessTest
    void sendsEachFileInItsOwnTransferSyntaxToStorescp() throws Exception {
        int port = Ports.freePort();
        Path out = tmp.resolve("storescp");
        // +xa: every transfer syntax; +B: storescp writes the data set bytes exactly as they arrived
        Process scp = storescp(port, out, "+xa", "+B");
        Cli.Result res;
        try {
            List<String> args = new ArrayList<>(List.of("store", "-c", "STORESCP@127.0.0.1:" + port, "--parallel", "2"));
            VARIED.forEach(n -> args.add(Cli.testFile(n).toString()));
            res = Cli.pacs(args.toArray(new String[0]));
        } finally {
            Cli.stop(scp);
        }
        assertEquals(0, res.exitCode(), res + Files.readString(tmp.resolve("storescp.log")));
        assertTrue(res.out().contains("Sent " + VARIED.size() + " of " + VARIED.size() + " instances"), res.out());
        Map<String, Path> stored = Instances.bySopInstanceUIDLastWins(out);
        for (String n : VARIED) {
            Path sent = Cli.testFile(n);
            Path received = stored.get(Instances.read(sent).sopInstanceUID());
            assertTrue(received != null, n + " not stored by storescp");
            Instances.assertSameInstance(sent, received, true);
        }
    }

    @Test
    @ProcessTest
    void convertsNativeSyntaxesAndFailsCompressedFilesTheyCannotConvert() throws Exception {
        int port = Ports.freePort();
        Path out = tmp.resolve("storescp");
        Process scp = storescp(port, out, "+xi", "+B"); // implicit VR little endian only, written as received
        Cli.Result res;
        Path jpeg = Cli.testFile("SC_rgb_jpeg_dcmtk.dcm");
        List<Path> convertible = List.of(Cli.testFile("CT_small.dcm"), Cli.testFile("MR_small_bigendian.dcm"));
        try {
            res = Cli.pacs("store", "-c", "STORESCP@127.0.0.1:" + port, convertible.get(0).toString(),
                    convertible.get(1).toString(), jpeg.toString());
        } finally {
            Cli.stop(scp);
        }
        assertEquals(1, res.exitCode(), res.toString());
        assertTrue(res.out().contains("Sent 2 of 3 instances"), res.out());
        assertTrue(res.out().contains("Failed: " + jpeg + ": the peer accepts Secondary Capture Image Storage only in "
                + "Implicit VR Little Endian, and the file is JPEG Baseline"), res.out());
        Map<String, Path> stored = Instances.bySopInstanceUIDLastWins(out);
        for (Path sent : convertible) {
            Instances.Instance received = Instances.read(stored.get(Instances.read(sent).sopInstanceUID()));
            assertEquals(UID.ImplicitVRLittleEndian, received.transferSyntaxUID());
            // implicit VR loses the VR where the dictionary allows two (US or SS): compare with the original as
            // it reads after the same conversion
            DataSet expected = Cli.roundTrip(Instances.read(sent).dataSet(), TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
            assertEquals(List.of(), org.gridpacs.dicom.testutil.DataSetDiff.diff(expected, received.dataSet()), sent.toString());
        }
    }

    @Test
    void sendsAFolderOverFourAssociationsToOurReceiver() throws Exception {
        Path src = tmp.resolve("src");
        List<Path> files = copiesWithNewUIDs(Cli.testFile("CT_small.dcm"), src, 20, null);
        Files.writeString(src.resolve("notes.txt"), "not DICOM\n");
        Path in = tmp.resolve("in");
        Cli.Result res;
        try (Cli.Receiver r = new Cli.Receiver("RECV", in)) {
            res = Cli.pacs("store", "-c", "RECV@127.0.0.1:" + r.port, "--parallel", "4", "--progress", src.toString());
        }
        assertEquals(0, res.exitCode(), res.toString());
        assertTrue(res.err().matches("(?s).*\\r\\[#{24}\\] 20/20 files +[0-9.]+ MB/s +[0-9.]+ instances/s \\n"), res.err());
        assertTrue(res.out().contains("Sent 20 of 20 instances"), res.out());
        assertTrue(res.out().contains("Warnings: 0, failed: 0, skipped (not DICOM): 1"), res.out());
        for (Path f : files) {
            Instances.assertSameInstance(f, in.resolve(Instances.read(f).sopInstanceUID() + ".dcm"), true);
        }
    }

    @Test
    void moreThan128PresentationContextsUseSeveralAssociations() throws Exception {
        // 70 SOP classes x (explicit + implicit VR LE) = 140 contexts: two batches
        List<String> classes = UIDs.storageSopClasses().stream()
                .filter(c -> !c.equals(UID.MediaStorageDirectoryStorage)).limit(70).toList();
        Path src = tmp.resolve("src");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            files.addAll(copiesWithNewUIDs(Cli.testFile("CT_small.dcm"), src.resolve("c" + i), 1, classes.get(i)));
        }
        assertEquals(2, StorePlan.of(files.stream().map(StoreTest::probe).toList()).size());
        Path in = tmp.resolve("in");
        Cli.Result res;
        try (Cli.Receiver r = new Cli.Receiver("RECV", in)) {
            res = Cli.pacs("store", "-c", "RECV@127.0.0.1:" + r.port, src.toString());
        }
        assertEquals(0, res.exitCode(), res.toString());
        assertTrue(res.out().contains("Sent 70 of 70 instances"), res.out());
        for (Path f : files) {
            Instances.assertSameInstance(f, in.resolve(Instances.read(f).sopInstanceUID() + ".dcm"), true);
        }
    }

    @Test
    void reportsFailureAndWarningStatusesPerFile() throws Exception {
        Path src = tmp.resolve("src");
        List<Path> files = copiesWithNewUIDs(Cli.testFile("CT_small.dcm"), src, 3, null);
        String failing = Instances.read(files.get(0)).sopInstanceUID();
        String warned = Instances.read(files.get(1)).sopInstanceUID();
        Services services = new Services().store((rq, data) -> {
            data.readAllBytes();
            if (rq.sopInstanceUID().equals(failing)) {
                throw new DimseException(Status.OUT_OF_RESOURCES, "disk full (test)");
            }
            return rq.sopInstanceUID().equals(warned) ? Status.WARNING_COERCION_OF_DATA_ELEMENTS : Status.SUCCESS;
        });
        Cli.Result res;
        try (DicomServer scp = new DicomServer(NetworkSettings.DEFAULT,
                new AcceptPolicy("SCP").accept(AcceptPolicy.ANY, AcceptPolicy.ANY), services)) {
            scp.start(InetAddress.getLoopbackAddress(), 0);
            res = Cli.pacs("store", "-c", "SCP@127.0.0.1:" + scp.port(), src.toString());
        }
        assertEquals(1, res.exitCode(), res.toString());
        assertTrue(res.out().contains("Sent 2 of 3 instances"), res.out());
        assertTrue(res.out().contains("Warnings: 1, failed: 1, skipped (not DICOM): 0"), res.out());
        assertTrue(res.out().contains("  Failed: " + files.get(0) + ": 0xA700 Out of resources (disk full (test))"),
                res.out());
        assertTrue(res.out().contains("  Warning: " + files.get(1) + ": 0xB000 Warning"), res.out());
    }

    @Test
    void unreachablePeerFailsEveryFileWithTheReason() throws Exception {
        int port = Ports.freePort();
        Cli.Result res = Cli.pacs("store", "-c", "NOBODY@127.0.0.1:" + port, Cli.testFile("CT_small.dcm").toString(),
                Cli.testFile("rtplan.dcm").toString());
        assertEquals(1, res.exitCode(), res.toString());
        assertTrue(res.out().contains("Sent 0 of 2 instances"), res.out());
        assertTrue(res.out().contains("not sent: cannot connect to 127.0.0.1:" + port + ": Connection refused"), res.out());
    }

    @Test
    void nothingToSendIsAFailure() throws Exception {
        Files.writeString(tmp.resolve("a.txt"), "hello");
        Cli.Result res = Cli.pacs("store", "-c", "X@127.0.0.1:1", tmp.toString());
        assertEquals(1, res.exitCode(), res.toString());
        assertTrue(res.out().contains("No DICOM files to send (1 skipped)"), res.out());
        Cli.Result missing = Cli.pacs("store", "-c", "X@127.0.0.1:1", tmp.resolve("nope").toString());
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("no such file or folder"), missing.err());
    }

    private static StoreFile probe(Path p) {
        try {
            return StoreFile.probe(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code n} copies of a file with new SOP Instance UIDs (and SOP Class UID, if given), in explicit VR LE. */
    static List<Path> copiesWithNewUIDs(Path original, Path dir, int n, String sopClassUID) throws IOException {
        Files.createDirectories(dir);
        DataSet ds = Instances.read(original).dataSet();
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String iuid = org.gridpacs.dicom.Implementation.newUID();
            String cuid = sopClassUID != null ? sopClassUID : ds.getString(Tag.SOPClassUID);
            ds.setString(Tag.SOPInstanceUID, VR.UI, iuid);
            ds.setString(Tag.SOPClassUID, VR.UI, cuid);
            Path f = dir.resolve("f" + i + ".dcm");
            try (OutputStream os = Files.newOutputStream(f); DicomOutputStream dos = new DicomOutputStream(os)) {
                dos.writeFileMetaInformation(FileMetaInformation.create(cuid, iuid, UID.ExplicitVRLittleEndian, null));
                dos.writeDataSet(ds);
            }
            out.add(f);
        }
        return out;
    }
}
