package org.gridpacs.gateway.dose;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dose.dicom.CtSeries;
import org.gridpacs.dose.dicom.PatientStudy;

/**
 * Test support for the dose service's end-to-end tests (and scripts/bench-dose-service): Part 10 files in and out,
 * a planning system's view of a CT, RT Dose values.
 */
public final class DoseFiles {
    private DoseFiles() {
    }

    /** Writes a data set as a Part 10 file (Explicit VR Little Endian), as a planning system exports it. */
    public static Path write(DataSet ds, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file));
             DicomOutputStream dos = new DicomOutputStream(os)) {
            dos.writeFileMetaInformation(FileMetaInformation.create(ds.getString(Tag.SOPClassUID),
                    ds.getString(Tag.SOPInstanceUID), UID.ExplicitVRLittleEndian, null));
            dos.writeDataSet(ds);
        }
        return file;
    }

    /** What a planning system knows of a CT it plans on: its patient, study and Frame of Reference (no pixels). */
    public static CtSeries planningView(Path ctFile) throws IOException {
        DataSet ct = Instances.read(ctFile).dataSet();
        return new CtSeries(null, ct.getString(Tag.StudyInstanceUID), ct.getString(Tag.SeriesInstanceUID),
                ct.getString(Tag.FrameOfReferenceUID), PatientStudy.of(ct));
    }

    /** An RT Dose read back: its grid and dose in Gy per voxel (frame, row, column). */
    record RtDose(DataSet dataSet, int frames, int rows, int columns, double[] ipp, double[] spacing,
                  double[] offsets, double[] gy) {
        static RtDose read(Path file) throws IOException {
            DataSet ds = Instances.read(file).dataSet();
            int rows = ds.getInt(Tag.Rows, 0);
            int cols = ds.getInt(Tag.Columns, 0);
            int frames = ds.getInt(Tag.NumberOfFrames, 1);
            double scaling = ds.getDouble(Tag.DoseGridScaling, Double.NaN);
            int bits = ds.getInt(Tag.BitsAllocated, 0);
            boolean signed = ds.getInt(Tag.PixelRepresentation, 0) == 1;
            byte[] px = ds.getBytes(Tag.PixelData);
            double[] gy = new double[rows * cols * frames];
            for (int i = 0; i < gy.length; i++) {
                long v;
                if (bits == 16) {
                    int u = LittleEndian.u16(px, 2 * i);
                    v = signed ? (short) u : u;
                } else {
                    int u = LittleEndian.i32(px, 4 * i);
                    v = signed ? u : Integer.toUnsignedLong(u);
                }
                gy[i] = v * scaling;
            }
            return new RtDose(ds, frames, rows, cols, ds.getDoubles(Tag.ImagePositionPatient),
                    ds.getDoubles(Tag.PixelSpacing), ds.getDoubles(Tag.GridFrameOffsetVector), gy);
        }

        double at(int frame, int row, int column) {
            return gy[(frame * rows + row) * columns + column];
        }
    }
}
