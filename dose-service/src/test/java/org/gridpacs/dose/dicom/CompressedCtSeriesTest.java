package org.gridpacs.dose.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.dose.phantom.HuCalibration;
import org.gridpacs.dose.phantom.Phantom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real CT series (pydicom's CT_small.dcm as 4 slices: signed 16-bit, rescale intercept -1024) compressed by DCMTK
 * gives the same phantom as uncompressed, slices in any order, with the transfer syntax passed or told from the data.
 */
@ProcessTest
class CompressedCtSeriesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        "dcmcjpeg, +el +sv 1, true",
        "dcmcjpeg, +el +sv 6, false",
        "dcmcjpeg, +e1, true",
        "dcmcrle, '', true",
        "dcmcrle, '', false",
    })
    void compressedSeriesGivesTheSamePhantom(String tool, String options, boolean passTransferSyntax)
            throws Exception {
        Dcmtk.require();
        DataSet ct = read(TestData.pydicomFile("CT_small.dcm")).dataSet;
        double[] ipp = ct.getDoubles(Tag.ImagePositionPatient);
        CtSeriesReader plain = new CtSeriesReader(HuCalibration.fourMedium());
        CtSeriesReader compressed = new CtSeriesReader(HuCalibration.fourMedium());
        int[] order = {2, 0, 3, 1};
        for (int k : order) {
            DataSet s = ct.copy();
            s.setDouble(Tag.ImagePositionPatient, VR.DS, ipp[0], ipp[1], ipp[2] + 5 * k);
            s.setString(Tag.SOPInstanceUID, VR.UI, ct.getString(Tag.SOPInstanceUID) + "." + k);
            plain.add(s, "1.2.840.10008.1.2.1");
            Path original = DoseFixtures.write(s, dir.resolve("slice" + k + ".dcm"));
            Path encoded = dir.resolve("slice" + k + "-c.dcm");
            List<String> cmd = new ArrayList<>(List.of(tool));
            if (!options.isBlank()) {
                cmd.addAll(List.of(options.split(" ")));
            }
            cmd.add(original.toString());
            cmd.add(encoded.toString());
            Dcmtk.Result r = Dcmtk.run(60, cmd.toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.output());
            Read c = read(encoded);
            assertTrue(c.dataSet.getValue(Tag.PixelData) instanceof Fragments, tool + " " + options);
            if (passTransferSyntax) {
                compressed.add(c.dataSet, c.transferSyntaxUid);
            } else {
                compressed.add(c.dataSet);
            }
        }
        Phantom a = plain.build().phantom();
        Phantom b = compressed.build().phantom();
        assertEquals(4, b.nz);
        assertArrayEquals(a.density, b.density);
        assertArrayEquals(a.material, b.material);
    }

    private record Read(DataSet dataSet, String transferSyntaxUid) {
    }

    private static Read read(Path file) throws Exception {
        try (InputStream raw = Files.newInputStream(file); DicomInputStream in = new DicomInputStream(raw)) {
            DataSet fmi = in.readFileMetaInformation();
            return new Read(in.readDataSet(), fmi.getString(Tag.TransferSyntaxUID));
        }
    }
}
