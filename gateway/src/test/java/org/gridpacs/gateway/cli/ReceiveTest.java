package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.Instances;

/** {@code pacs receive} as the peer of DCMTK's echoscu and storescu: what arrives must be what was sent. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ProcessTest
class ReceiveTest {
    @TempDir
    Path tmp;

    @Test
    void answersEchoscu() throws Exception {
        try (Cli.Receiver r = new Cli.Receiver("RECV", tmp.resolve("in"))) {
            Cli.Result res = Cli.run(10, "echoscu", "-aec", "RECV", "127.0.0.1", String.valueOf(r.port));
            assertEquals(0, res.exitCode(), res.toString());
        }
    }

    @Test
    void rejectsAnotherCalledAETitleUnlessAskedNotTo() throws Exception {
        try (Cli.Receiver r = new Cli.Receiver("RECV", tmp.resolve("in"))) {
            Cli.Result res = Cli.run(10, "echoscu", "-aec", "OTHER", "127.0.0.1", String.valueOf(r.port));
            assertNotEquals(0, res.exitCode(), res.toString());
            assertTrue(res.out().contains("Called AE Title Not Recognized"), res.out());
        }
        try (Cli.Receiver r = new Cli.Receiver("RECV", tmp.resolve("in"), "--accept-any-aet")) {
            Cli.Result res = Cli.run(10, "echoscu", "-aec", "OTHER", "127.0.0.1", String.valueOf(r.port));
            assertEquals(0, res.exitCode(), res.toString());
        }
    }

    /**
     * storescu picks the syntax it sends in by its own preference among the contexts we accept, so each run
     * proposes only the syntax of its files: explicit and implicit VR little endian, big endian. rtstruct.dcm is a
     * bare data set without meta information. (The files have distinct SOP Instance UIDs.)
     */
    @ParameterizedTest
    @CsvSource({
        "-xe, CT_small.dcm waveform_ecg.dcm test-SR.dcm",
        "-xi, rtplan.dcm rtdose.dcm rtstruct.dcm",
        "-xb, MR_small_bigendian.dcm",
    })
    void storesUncompressedInstancesFromStorescuUnchanged(String proposeOption, String files) throws Exception {
        List<String> names = List.of(files.split(" "));
        Path in = tmp.resolve("in");
        try (Cli.Receiver r = new Cli.Receiver("RECV", in)) {
            List<String> cmd = new ArrayList<>(List.of("storescu", proposeOption, "-aec", "RECV", "127.0.0.1",
                    String.valueOf(r.port)));
            names.forEach(n -> cmd.add(Cli.testFile(n).toString()));
            Cli.Result res = Cli.run(20, cmd.toArray(new String[0]));
            assertEquals(0, res.exitCode(), res.toString());
        }
        for (String n : names) {
            Path sent = Cli.testFile(n);
            Path received = in.resolve(Instances.read(sent).sopInstanceUID() + ".dcm");
            assertTrue(Files.isRegularFile(received), received + " missing");
            Instances.assertSameInstance(sent, received, true, Instances::normalizeLikeDcmtk);
        }
        try (var s = Files.list(in)) {
            assertEquals(names.size(), s.count(), "no temporary files left behind");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "SC_rgb_jpeg_dcmtk.dcm, -xy",         // JPEG Baseline
        "JPGExtended.dcm, -xx",               // JPEG Extended
        "SC_rgb_jpeg_gdcm.dcm, -xs",          // JPEG Lossless SV1
        "MR_small_jpeg_ls_lossless.dcm, -xt", // JPEG-LS Lossless
        "MR_small_jp2klossless.dcm, -xv",     // JPEG 2000 Lossless
        "MR_small_RLE.dcm, -xr",              // RLE Lossless
        "image_dfl.dcm, -xd",                 // Deflated Explicit VR Little Endian
    })
    void storesCompressedInstancesInTheirOwnTransferSyntax(String name, String proposeOption) throws Exception {
        Path in = tmp.resolve("in");
        Path sent = Cli.testFile(name);
        try (Cli.Receiver r = new Cli.Receiver("RECV", in)) {
            Cli.Result res = Cli.run(20, "storescu", proposeOption, "-R", "-aec", "RECV", "127.0.0.1",
                    String.valueOf(r.port), sent.toString());
            assertEquals(0, res.exitCode(), res.toString());
        }
        Instances.assertSameInstance(sent, in.resolve(Instances.read(sent).sopInstanceUID() + ".dcm"), true, Instances::normalizeLikeDcmtk);
    }
}
