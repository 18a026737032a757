package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.Instances;

/**
 * {@code pacs find}, {@code move} and {@code get} against DCMTK's dcmqrscp, loaded with {@code pacs store}. The
 * move destination is our own receiver, which dcmqrscp knows from its HostTable.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ProcessTest
class QueryRetrieveTest {
    static final String CT_STUDY = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";
    static final String MR_STUDY = "1.3.6.1.4.1.5962.1.2.4.20040826185059.5457";
    static final List<String> FILES = List.of("CT_small.dcm", "MR_small.dcm", "rtplan.dcm");

    @TempDir
    static Path tmp;
    static Process dcmqrscp;
    static String qrscp;
    static int receiverPort;

    @BeforeAll
    static void startAndLoadDcmqrscp() throws Exception {
        int port = Ports.freePort();
        receiverPort = Ports.freePort();
        Path db = Files.createDirectories(tmp.resolve("db"));
        // no UserName/GroupName: dcmqrscp would switch to that user when run as root
        Files.writeString(tmp.resolve("dcmqrscp.cfg"), String.join("\n",
                "NetworkTCPPort = " + port,
                "MaxPDUSize = 16384",
                "MaxAssociations = 16",
                "HostTable BEGIN",
                "recv = (RECV, localhost, " + receiverPort + ")",
                "HostTable END",
                "VendorTable BEGIN",
                "VendorTable END",
                "AETable BEGIN",
                "QRSCP " + db + " RW (100, 1024mb) ANY",
                "AETable END", ""));
        // fork mode: with -s (single process) dcmqrscp 3.6.7 crashes after the first association
        dcmqrscp = Cli.startServer(port, tmp.resolve("dcmqrscp.log"), "dcmqrscp", "-c",
                tmp.resolve("dcmqrscp.cfg").toString());
        qrscp = "QRSCP@localhost:" + port;
        String[] args = new String[FILES.size() + 5];
        args[0] = "store";
        args[1] = "-c";
        args[2] = qrscp;
        args[3] = "--parallel";
        args[4] = "1";
        for (int i = 0; i < FILES.size(); i++) {
            args[5 + i] = Cli.testFile(FILES.get(i)).toString();
        }
        Cli.Result res = Cli.pacs(args);
        assertEquals(0, res.exitCode(), res + log());
    }

    @AfterAll
    static void stopDcmqrscp() throws InterruptedException {
        Cli.stop(dcmqrscp);
    }

    static String log() throws IOException {
        return "\n--- dcmqrscp log:\n" + Files.readString(tmp.resolve("dcmqrscp.log"));
    }

    @Test
    void findsStudies() throws Exception {
        Cli.Result res = Cli.pacs("find", "-c", qrscp, "-L", "STUDY", "-m", "PatientID=*");
        assertEquals(0, res.exitCode(), res + log());
        assertTrue(res.out().endsWith("3 matches\n"), res.out());
        assertTrue(res.out().contains("PatientName = CompressedSamples^CT1\n"), res.out());
        assertTrue(res.out().contains("StudyInstanceUID = " + CT_STUDY + "\n"), res.out());
    }

    @Test
    void findsImagesOfAStudyWithChosenReturnKeys() throws Exception {
        Cli.Result res = Cli.pacs("find", "-c", qrscp, "-L", "IMAGE", "-m", "StudyInstanceUID=" + CT_STUDY,
                "-r", "0020000E", "-r", "InstanceNumber", "-r", "(0008,0016)");
        assertEquals(0, res.exitCode(), res + log());
        assertTrue(res.out().contains("# Match 1\n"), res.out());
        assertTrue(res.out().contains("SOPInstanceUID = 1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322\n"), res.out());
        assertTrue(res.out().contains("InstanceNumber = 1\n"), res.out());
        assertTrue(res.out().contains("SeriesInstanceUID = 1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322\n"), res.out());
        assertTrue(res.out().endsWith("1 match\n"), res.out());
    }

    @Test
    void findsPatientsWithThePatientRootModel() throws Exception {
        Cli.Result res = Cli.pacs("find", "-c", qrscp, "-M", "PatientRoot", "-L", "PATIENT", "-m", "PatientName=Compressed*");
        assertEquals(0, res.exitCode(), res + log());
        assertTrue(res.out().contains("PatientID = 1CT1\n") && res.out().contains("PatientID = 4MR1\n"), res.out());
        assertTrue(res.out().endsWith("2 matches\n"), res.out());
    }

    @Test
    void failedQueryExitsWithTheStatus() throws Exception {
        // study root, image level without the study and series keys: dcmqrscp refuses
        Cli.Result res = Cli.pacs("find", "-c", qrscp, "-L", "IMAGE", "-r", "SOPClassUID");
        assertEquals(1, res.exitCode(), res + log());
        assertTrue(res.err().startsWith("pacs find: C-FIND ended with 0x"), res.err());
    }

    @Test
    void movesAStudyToOurReceiver() throws Exception {
        Path in = tmp.resolve("moved");
        Cli.Result res;
        try (Cli.Receiver r = new Cli.Receiver("RECV", in, receiverPort)) {
            res = Cli.pacs("move", "-c", qrscp, "--dest", "RECV", "-L", "STUDY", "-m", "StudyInstanceUID=" + CT_STUDY);
        }
        assertEquals(0, res.exitCode(), res + log());
        assertTrue(res.out().contains("C-MOVE to RECV finished: 0x0000 Success; completed 1, failed 0, warning 0"),
                res.out());
        Path sent = Cli.testFile("CT_small.dcm");
        Instances.assertSameInstance(sent, in.resolve(Instances.read(sent).sopInstanceUID() + ".dcm"), true, Instances::normalizeLikeDcmtk);
    }

    @Test
    void moveToAnUnknownDestinationFails() throws Exception {
        Cli.Result res = Cli.pacs("move", "-c", qrscp, "--dest", "NOBODY", "-L", "STUDY", "-m", "StudyInstanceUID=" + CT_STUDY);
        assertEquals(1, res.exitCode(), res + log());
        assertTrue(res.out().contains("C-MOVE to NOBODY finished: 0xA801 Move destination unknown"), res.out());
    }

    @Test
    void getsAStudyIntoAFolder() throws Exception {
        Path out = tmp.resolve("got");
        Cli.Result res = Cli.pacs("get", "-c", qrscp, "-L", "STUDY", "-m", "StudyInstanceUID=" + MR_STUDY,
                "--directory", out.toString());
        assertEquals(0, res.exitCode(), res + log());
        assertTrue(res.out().contains("C-GET finished: 0x0000 Success; completed 1, failed 0, warning 0"), res.out());
        assertTrue(res.out().contains("1 instances written to " + out), res.out());
        Path sent = Cli.testFile("MR_small.dcm");
        Path got = out.resolve(Instances.read(sent).sopInstanceUID() + ".dcm");
        Instances.assertSameInstance(sent, got, true, Instances::normalizeLikeDcmtk);
        assertEquals("QRSCP", Instances.read(got).fmi().getString(org.gridpacs.dicom.data.Tag.SourceApplicationEntityTitle));
    }
}
