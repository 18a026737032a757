package org.gridpacs.web.wado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.web.WebTestServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Lossless JPEG (pydicom ships none: DCMTK's dcmcjpeg makes them), with one or several fragments per frame and with
 * or without a Basic Offset Table: frames come decoded by default and as stored with {@code transfer-syntax=*};
 * instances come decoded in Explicit VR Little Endian, equal to the original pixels.
 */
@ProcessTest
class WadoRsJpegLosslessTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        "CT_small.dcm, +e1, 1.2.840.10008.1.2.4.70",
        "CT_small.dcm, +el +fs 4 -ot, 1.2.840.10008.1.2.4.57",
        "SC_rgb_rle_2frame.dcm, +e1, 1.2.840.10008.1.2.4.70",
        "SC_rgb_rle_2frame.dcm, +e1 +fs 1 -ot, 1.2.840.10008.1.2.4.70",
        "SC_rgb_rle_2frame.dcm, +e1 +fs 1, 1.2.840.10008.1.2.4.70",
    })
    void losslessJpegFramesAndInstances(String name, String options, String tsUid) throws Exception {
        Dcmtk.require();
        Path source = TestData.pydicomFile(name);
        if (name.contains("rle")) {
            Path plain = dir.resolve("plain.dcm");
            assertEquals(0, Dcmtk.run(60, "dcmdrle", source.toString(), plain.toString()).exitCode());
            source = plain;
        }
        Path encoded = dir.resolve("jpeg.dcm");
        List<String> cmd = new ArrayList<>(List.of("dcmcjpeg"));
        cmd.addAll(List.of(options.split(" ")));
        cmd.add(source.toString());
        cmd.add(encoded.toString());
        Dcmtk.Result r = Dcmtk.run(60, cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        Files10 original = Files10.read(source);
        try (WebTestServer s = new WebTestServer(dir.resolve("archive"))) {
            s.storeFile(encoded);
            Files10 jpeg = Files10.read(encoded);
            assertEquals(tsUid, jpeg.transferSyntax());
            int frames = original.dataSet().getInt(Tag.NumberOfFrames, 1);
            String url = WadoRsInstancesTest.instanceUrl(jpeg.dataSet());
            String list = frames == 1 ? "1" : "2,1";
            int[] idx = frames == 1 ? new int[] {0} : new int[] {1, 0};
            List<Multipart.Part> decoded = WadoRsFramesTest.parts(s.get(url + "/frames/" + list,
                    WadoRsFramesTest.DEFAULT));
            List<Multipart.Part> stored = WadoRsFramesTest.parts(s.get(url + "/frames/" + list,
                    WadoRsFramesTest.OHIF_QUOTED));
            for (int k = 0; k < idx.length; k++) {
                assertArrayEquals(original.frame(idx[k]), decoded.get(k).body(), "decoded frame " + (idx[k] + 1));
                assertEquals("image/jpeg; transfer-syntax=" + tsUid, stored.get(k).contentType());
                // the stored frame decodes to the original too
                assertArrayEquals(original.frame(idx[k]), DecodedInstance.decodeFrame(jpeg.dataSet(), tsUid,
                        stored.get(k).body()), "stored frame " + (idx[k] + 1));
            }
            Files10 instance = WadoRsInstancesTest.parts(s.get(url, "multipart/related; type=\"application/dicom\"")).get(0);
            assertEquals("1.2.840.10008.1.2.1", instance.transferSyntax());
            assertArrayEquals(original.dataSet().getBytes(Tag.PixelData), instance.dataSet().getBytes(Tag.PixelData));
        }
        Files.deleteIfExists(encoded);
    }
}
