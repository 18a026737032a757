package org.gridpacs.dicom.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.TestData;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Frames compressed by an independent encoder (DCMTK's dcmcjpeg / dcmcrle, lossless) decode to exactly the original
 * pixels: 16-bit signed CT and MR, every lossless JPEG predictor (selection values 1-7), SV1, RLE.
 */
@ProcessTest
class DcmtkEncodedFramesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        "CT_small.dcm, dcmcjpeg, +el +sv 1, 1.2.840.10008.1.2.4.57",
        "CT_small.dcm, dcmcjpeg, +el +sv 4, 1.2.840.10008.1.2.4.57",
        "CT_small.dcm, dcmcjpeg, +el +sv 7, 1.2.840.10008.1.2.4.57",
        "CT_small.dcm, dcmcjpeg, +e1, 1.2.840.10008.1.2.4.70",
        "MR_small.dcm, dcmcjpeg, +el +sv 2, 1.2.840.10008.1.2.4.57",
        "MR_small.dcm, dcmcjpeg, +el +sv 3, 1.2.840.10008.1.2.4.57",
        "MR_small.dcm, dcmcjpeg, +el +sv 5, 1.2.840.10008.1.2.4.57",
        "MR_small.dcm, dcmcjpeg, +el +sv 6, 1.2.840.10008.1.2.4.57",
        "MR_small.dcm, dcmcjpeg, +e1, 1.2.840.10008.1.2.4.70",
        "CT_small.dcm, dcmcrle, '', 1.2.840.10008.1.2.5",
        "rtdose.dcm, dcmcrle, '', 1.2.840.10008.1.2.5",
    })
    void losslessEncodingDecodesToTheOriginal(String file, String tool, String options, String tsUid) throws Exception {
        Dcmtk.require();
        Path original = TestData.pydicomFile(file);
        Path encoded = dir.resolve("encoded.dcm");
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(tool);
        if (!options.isBlank()) {
            cmd.addAll(java.util.List.of(options.split(" ")));
        }
        cmd.add(original.toString());
        cmd.add(encoded.toString());
        Dcmtk.Result r = Dcmtk.run(60, cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        PixelFiles compressed = PixelFiles.read(encoded);
        assertEquals(tsUid, compressed.transferSyntaxUid());
        assertArrayEquals(PixelFiles.read(original).allFrames(), compressed.allFrames(), file + " " + options);
        Files.deleteIfExists(encoded);
    }
}
