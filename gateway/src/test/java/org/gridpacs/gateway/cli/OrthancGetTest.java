package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.Instances;

/**
 * C-GET of compressed instances, against Orthanc: an SCP that picks, for each instance, an accepted context in the
 * instance's own transfer syntax, which the extra compressed contexts of {@link GetContexts} are for. (dcmqrscp
 * only ever uses the first accepted context of a SOP class, so it cannot send compressed instances back.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ProcessTest
class OrthancGetTest {
    @TempDir
    Path tmp;

    @Test
    void getsCompressedInstancesInTheirOwnTransferSyntax() throws Exception {
        int dicomPort = Ports.freePort();
        int httpPort = Ports.freePort();
        Path db = Files.createDirectories(tmp.resolve("db"));
        Files.writeString(tmp.resolve("orthanc.json"), """
                { "Name": "test", "StorageDirectory": "%s", "IndexDirectory": "%s",
                  "HttpPort": %d, "RemoteAccessAllowed": false, "AuthenticationEnabled": false,
                  "DicomAet": "ORTHANC", "DicomPort": %d,
                  "DicomAlwaysAllowStore": true, "DicomAlwaysAllowFind": true, "DicomAlwaysAllowGet": true,
                  "Plugins": [] }
                """.formatted(db, db, httpPort, dicomPort));
        Process orthanc = Cli.startServer(dicomPort, tmp.resolve("orthanc.log"), "Orthanc",
                tmp.resolve("orthanc.json").toString());
        try {
            String peer = "ORTHANC@127.0.0.1:" + dicomPort;
            Path jpeg = Cli.testFile("SC_rgb_jpeg_dcmtk.dcm");
            Path j2k = Cli.testFile("JPEG2000.dcm");
            Cli.Result stored = Cli.pacs("store", "-c", peer, jpeg.toString(), j2k.toString());
            assertEquals(0, stored.exitCode(), stored.toString());
            for (Path sent : new Path[] {jpeg, j2k}) {
                String study = Instances.read(sent).dataSet().getString(Tag.StudyInstanceUID);
                Path out = tmp.resolve("got");
                Cli.Result res = Cli.pacs("get", "-c", peer, "-L", "STUDY", "-m", "StudyInstanceUID=" + study,
                        "--directory", out.toString());
                assertEquals(0, res.exitCode(), res.toString());
                assertTrue(res.out().contains("completed 1, failed 0"), res.out());
                Path got = out.resolve(Instances.read(sent).sopInstanceUID() + ".dcm");
                Instances.assertSameInstance(sent, got, true, Instances::normalizeLikeDcmtk);
                assertTrue(!UID.ExplicitVRLittleEndian.equals(Instances.read(got).transferSyntaxUID()));
            }
        } finally {
            Cli.stop(orthanc);
        }
    }
}
