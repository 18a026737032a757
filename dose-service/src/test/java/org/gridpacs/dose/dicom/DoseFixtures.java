package org.gridpacs.dose.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dose.engine.DoseResult;
import org.gridpacs.dose.phantom.HuCalibration;
import org.gridpacs.dose.phantom.Phantom;

/** A small synthetic CT series and a dose on it with a known shape, and Part 10 encoding of what is written. */
final class DoseFixtures {
    static final DerivedIds IDS = new DerivedIds("job-42", LocalDateTime.of(2026, 12, 6, 10, 15, 30));
    static final String PLAN = "1.2.826.0.1.3680043.10.543.9";

    private DoseFixtures() {
    }

    /** columns x rows x slices of water (0 HU), first pixel at (-20.5, -31, -12) mm, spacing 1.5 x 2 (rows) x 2.5 mm. */
    static CtSeries ct(int columns, int rows, int slices) throws DoseInputException {
        return ct(columns, rows, slices, 2.0, 1.5);
    }

    static CtSeries ct(int columns, int rows, int slices, double rowSpacing, double columnSpacing)
            throws DoseInputException {
        CtSeriesReader reader = new CtSeriesReader(HuCalibration.fourMedium());
        for (int k = slices - 1; k >= 0; k--) {
            reader.add(SyntheticCt.slice(k + 1, rows, columns, rowSpacing, columnSpacing, -20.5, -31, -12 + 2.5 * k,
                    SyntheticCt.uniform(rows * columns, 1024)));
        }
        return reader.build();
    }

    /** Dose D = 0.01 Gy/mm (x + 40) + 0.02 Gy/mm (y + 40) + 0.03 Gy/mm (z + 20) at voxel centres; 2% + 1%/Gy relative. */
    static DoseResult dose(Phantom p) {
        float[] d = new float[p.voxels()];
        float[] u = new float[p.voxels()];
        for (int iz = 0; iz < p.nz; iz++) {
            for (int iy = 0; iy < p.ny; iy++) {
                for (int ix = 0; ix < p.nx; ix++) {
                    int i = p.index(ix, iy, iz);
                    d[i] = (float) (0.01 * (p.centreX(ix) * 10 + 40) + 0.02 * (p.centreY(iy) * 10 + 40)
                            + 0.03 * (p.centreZ(iz) * 10 + 20));
                    u[i] = (float) (0.02 + 0.01 * d[i]);
                }
            }
        }
        return new DoseResult(p, d, u, 1_000_000, 10, 1.0, 0.025, 1, 1, 0, 1);
    }

    static byte[] encode(DataSet ds) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DicomOutputStream out = new DicomOutputStream(bytes)) {
            out.writeFileMetaInformation(FileMetaInformation.create(ds.getString(Tag.SOPClassUID),
                    ds.getString(Tag.SOPInstanceUID), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(), "GRIDPACS"));
            out.writeDataSet(ds);
            out.finish();
        }
        return bytes.toByteArray();
    }

    static Path write(DataSet ds, Path file) throws IOException {
        Files.write(file, encode(ds));
        return file;
    }

    /** Stored value k of the pixel data, unsigned or two's complement as the data set says. */
    static long stored(DataSet ds, int k) {
        byte[] px = ds.getBytes(Tag.PixelData);
        boolean signed = ds.getInt(Tag.PixelRepresentation, 0) == 1;
        if (ds.getInt(Tag.BitsAllocated, 16) == 16) {
            int v = (px[2 * k] & 0xFF) | (px[2 * k + 1] & 0xFF) << 8;
            return signed ? (short) v : v;
        }
        long v = (px[4 * k] & 0xFFL) | (px[4 * k + 1] & 0xFFL) << 8 | (px[4 * k + 2] & 0xFFL) << 16
                | (px[4 * k + 3] & 0xFFL) << 24;
        return signed ? (int) v : v;
    }
}
