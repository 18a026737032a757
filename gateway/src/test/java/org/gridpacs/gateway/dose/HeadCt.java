package org.gridpacs.gateway.dose;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;

/**
 * A real CT (not synthetic): the head CT of Debian's invesalius-examples ("ProMED CT 0051", 256 x 256 x 108, 0.957 mm
 * pixels, 1.5 mm slices, Hounsfield units), converted from InVesalius' project format (a tar.gz of plists and a raw
 * little-endian int16 matrix, slices x rows x columns) to a DICOM CT series, as a scanner would have sent it.
 */
final class HeadCt {
    static final Path PROJECT = Path.of("/usr/share/doc/invesalius-examples/examples/Cranium.inv3");

    private HeadCt() {
    }

    /** Writes the series into {@code dir} (CT0001.dcm ...); returns the files in slice order. */
    static List<Path> write(Path dir, String patientId) throws IOException, InterruptedException {
        if (!Files.isRegularFile(PROJECT)) {
            throw new IllegalStateException(PROJECT + " missing: apt-get install invesalius-examples");
        }
        Path unpacked = Files.createTempDirectory("invesalius");
        Process tar = new ProcessBuilder("tar", "-xzf", PROJECT.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).start();
        if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
            throw new IOException("cannot unpack " + PROJECT + ": " + new String(tar.getInputStream().readAllBytes()));
        }
        Path main;
        Path matrix;
        try (var files = Files.walk(unpacked)) {
            List<Path> all = files.toList();
            main = all.stream().filter(p -> p.getFileName().toString().equals("main.plist")).findFirst().orElseThrow();
            matrix = main.resolveSibling("matrix.dat");
        }
        String plist = Files.readString(main);
        int[] shape = integers(section(plist, "shape"));
        double[] spacing = reals(section(plist, "spacing"));
        int slices = shape[0];
        int rows = shape[1];
        int columns = shape[2];
        ByteBuffer voxels = ByteBuffer.wrap(Files.readAllBytes(matrix)).order(ByteOrder.LITTLE_ENDIAN);
        Files.createDirectories(dir);
        String study = Implementation.newUID();
        String series = Implementation.newUID();
        String frame = Implementation.newUID();
        List<Path> out = new ArrayList<>();
        byte[] pixels = new byte[rows * columns * 2];
        for (int k = 0; k < slices; k++) {
            for (int i = 0; i < rows * columns; i++) {
                int hu = voxels.getShort((k * rows * columns + i) * 2);
                LittleEndian.put16(pixels, i * 2, Math.max(0, hu + 1024)); // stored = HU + 1024, 12 bits
            }
            DataSet ds = header(study, series, frame, patientId, k, rows, columns, spacing);
            ds.setBytes(Tag.PixelData, VR.OW, pixels.clone());
            Path file = dir.resolve(String.format("CT%04d.dcm", k + 1));
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                 DicomOutputStream dos = new DicomOutputStream(os)) {
                dos.writeFileMetaInformation(FileMetaInformation.create(UID.CTImageStorage,
                        ds.getString(Tag.SOPInstanceUID), UID.ExplicitVRLittleEndian, null));
                dos.writeDataSet(ds);
            }
            out.add(file);
        }
        try (var files = Files.walk(unpacked)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        return out;
    }

    private static DataSet header(String study, String series, String frame, String patientId, int k, int rows,
                                  int columns, double[] spacing) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100");
        ds.setString(Tag.ImageType, VR.CS, "ORIGINAL", "PRIMARY", "AXIAL");
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, Implementation.newUID());
        ds.setString(Tag.StudyDate, VR.DA, "20120914");
        ds.setString(Tag.StudyTime, VR.TM, "151208");
        ds.setString(Tag.AccessionNumber, VR.SH, patientId);
        ds.setString(Tag.Modality, VR.CS, "CT");
        ds.setString(Tag.Manufacturer, VR.LO, "InVesalius example (ProMED CT 0051)");
        ds.setString(Tag.ReferringPhysicianName, VR.PN, "");
        ds.setString(Tag.StudyDescription, VR.LO, "Head CT");
        ds.setString(Tag.SeriesDescription, VR.LO, "Cranium");
        ds.setString(Tag.PatientName, VR.PN, "Cranium^Example");
        ds.setString(Tag.PatientID, VR.LO, patientId);
        ds.setString(Tag.PatientBirthDate, VR.DA, "");
        ds.setString(Tag.PatientSex, VR.CS, "O");
        ds.setDouble(Tag.SliceThickness, VR.DS, spacing[2]);
        ds.setString(Tag.KVP, VR.DS, "120");
        ds.setString(Tag.PatientPosition, VR.CS, "HFS");
        ds.setString(Tag.StudyInstanceUID, VR.UI, study);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
        ds.setString(Tag.StudyID, VR.SH, "1");
        ds.setInt(Tag.SeriesNumber, VR.IS, 1);
        ds.setInt(Tag.InstanceNumber, VR.IS, k + 1);
        ds.setInt(Tag.AcquisitionNumber, VR.IS, 1);
        ds.setString(Tag.Laterality, VR.CS, "");
        double x0 = -(columns - 1) * spacing[0] / 2;
        double y0 = -(rows - 1) * spacing[1] / 2;
        ds.setDouble(Tag.ImagePositionPatient, VR.DS, x0, y0, k * spacing[2]);
        ds.setDouble(Tag.ImageOrientationPatient, VR.DS, 1, 0, 0, 0, 1, 0);
        ds.setString(Tag.FrameOfReferenceUID, VR.UI, frame);
        ds.setString(Tag.PositionReferenceIndicator, VR.LO, "");
        ds.setDouble(Tag.SliceLocation, VR.DS, k * spacing[2]);
        ds.setInt(Tag.SamplesPerPixel, VR.US, 1);
        ds.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        ds.setInt(Tag.Rows, VR.US, rows);
        ds.setInt(Tag.Columns, VR.US, columns);
        ds.setDouble(Tag.PixelSpacing, VR.DS, spacing[1], spacing[0]);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        ds.setInt(Tag.BitsStored, VR.US, 12);
        ds.setInt(Tag.HighBit, VR.US, 11);
        ds.setInt(Tag.PixelRepresentation, VR.US, 0);
        ds.setString(Tag.WindowCenter, VR.DS, "40");
        ds.setString(Tag.WindowWidth, VR.DS, "400");
        ds.setString(Tag.RescaleIntercept, VR.DS, "-1024");
        ds.setString(Tag.RescaleSlope, VR.DS, "1");
        ds.setString(Tag.RescaleType, VR.LO, "HU");
        return ds;
    }

    private static String section(String plist, String key) {
        Matcher m = Pattern.compile("<key>" + key + "</key>\\s*<array>(.*?)</array>", Pattern.DOTALL).matcher(plist);
        if (!m.find()) {
            throw new IllegalStateException("main.plist has no " + key);
        }
        return m.group(1);
    }

    private static int[] integers(String xml) {
        return Pattern.compile("<integer>(-?\\d+)</integer>").matcher(xml).results()
                .mapToInt(r -> Integer.parseInt(r.group(1))).toArray();
    }

    private static double[] reals(String xml) {
        return Pattern.compile("<real>([-0-9.eE]+)</real>").matcher(xml).results()
                .mapToDouble(r -> Double.parseDouble(r.group(1))).toArray();
    }
}
