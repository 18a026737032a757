package org.gridpacs.gateway.bench;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.DateTimes;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.gateway.synthetic.SyntheticCtSeries;

/**
 * The data of the DICOMweb benchmark, written once into a folder and kept for the next runs: the index set
 * (small 32 x 32 CT images: 20 per study in 2 series, 5 studies per patient, a study date per study), a
 * 500-image series for the metadata figure and a 300-slice 512 x 512 CT for the frames figure (and, with new UIDs
 * per pass, for STOW). Both servers are loaded with the same files.
 */
final class DicomWebBenchData {
    static final int PER_STUDY = 20;
    static final int STUDIES_PER_PATIENT = 5;

    /** A series of the data: its UIDs and files. */
    record Series(String study, String series, List<Path> files) {
    }

    final Path dir;
    final int indexInstances;

    DicomWebBenchData(Path dir, int indexInstances) {
        this.dir = dir;
        this.indexInstances = indexInstances;
    }

    static String patientID(int p) {
        return String.format("BW%05d", p);
    }

    int patients() {
        return Math.max(1, indexInstances / (PER_STUDY * STUDIES_PER_PATIENT));
    }

    /** The folders of the index set, one per loading connection ({@code parts} of them). */
    List<Path> indexSet(int parts) throws IOException {
        Path root = dir.resolve("index-" + indexInstances);
        List<Path> folders = new ArrayList<>();
        for (int k = 0; k < parts; k++) {
            folders.add(root.resolve("part" + k));
        }
        if (Files.exists(root.resolve("done"))) {
            return folders;
        }
        for (Path f : folders) {
            Files.createDirectories(f);
        }
        LocalDate first = LocalDate.of(2015, 1, 1);
        int studies = indexInstances / PER_STUDY;
        for (int st = 0; st < studies; st++) {
            int p = st / STUDIES_PER_PATIENT;
            String study = "1.2.826.0.1.3680043.10.512." + st;
            String date = DateTimes.formatDate(first.plusDays((st * 37L) % 3650));
            Path folder = folders.get(st % parts);
            for (int i = 0; i < PER_STUDY; i++) {
                String series = study + "." + (i % 2 + 1);
                DataSet ds = SyntheticInstances.ct(patientID(p), study, series, i + 1, st * PER_STUDY + i);
                ds.setString(Tag.SOPInstanceUID, VR.UI, series + "." + (i + 1));
                ds.setString(Tag.StudyDate, VR.DA, date);
                ds.setString(Tag.PatientName, VR.PN, "Bench^Patient" + p);
                ds.setString(Tag.StudyDescription, VR.LO, "Study " + st % 97);
                ds.setString(Tag.AccessionNumber, VR.SH, "BW" + st);
                write(ds, folder.resolve(st + "-" + i + ".dcm"));
            }
        }
        Files.writeString(root.resolve("done"), "");
        return folders;
    }

    /** The 500-image series of the metadata figure (256 x 256 CT slices: the header is what counts). */
    Series metadataSeries() throws IOException {
        return series("metadata-500", 500, new SyntheticCtSeries(256, 256, 1.5, 1.0), "BW-META", "Bench^Metadata");
    }

    /** The 300-slice 512 x 512 CT of the frames figure, and the template of the STOW requests. */
    Series framesSeries() throws IOException {
        return series("ct-300x512", 300, SyntheticCtSeries.standard(), "BW-FRAMES", "Bench^Frames");
    }

    private Series series(String name, int slices, SyntheticCtSeries ct, String patientID, String patientName)
            throws IOException {
        Path d = dir.resolve(name);
        Path done = dir.resolve(name + ".done"); // outside the folder: storescu sends every file in it
        if (!Files.exists(done)) {
            Files.createDirectories(d);
            try (Stream<Path> s = Files.list(d)) {
                for (Path old : s.toList()) {
                    Files.delete(old);
                }
            }
            ct.write(d, slices, patientID, patientName);
            Files.writeString(done, "");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(d)) {
            files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
        }
        DataSet first = Instances.read(files.get(0)).dataSet();
        return new Series(first.getString(Tag.StudyInstanceUID), first.getString(Tag.SeriesInstanceUID), files);
    }

    /**
     * STOW-RS request bodies: the frames series with new Study, Series and SOP Instance UIDs (a second store of an
     * instance would be a duplicate), split into {@code requests} multipart/related bodies of
     * application/dicom parts, in memory so that building them is not timed.
     */
    static List<byte[]> stowBodies(Series template, int requests, String boundary) throws IOException {
        String study = Implementation.newUID();
        String series = Implementation.newUID();
        List<ByteArrayOutputStream> bodies = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            bodies.add(new ByteArrayOutputStream(template.files().size() / requests * 530_000));
        }
        byte[] partHeader = ("\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < template.files().size(); i++) {
            DataSet ds = Instances.read(template.files().get(i)).dataSet();
            ds.setString(Tag.StudyInstanceUID, VR.UI, study);
            ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
            String sop = Implementation.newUID();
            ds.setString(Tag.SOPInstanceUID, VR.UI, sop);
            ByteArrayOutputStream body = bodies.get(i % requests);
            body.write(("--" + boundary).getBytes(StandardCharsets.US_ASCII));
            body.write(partHeader);
            DicomOutputStream dos = new DicomOutputStream(body);
            dos.writeFileMetaInformation(FileMetaInformation.create(UID.CTImageStorage, sop, UID.ExplicitVRLittleEndian,
                    "BENCH"));
            dos.writeDataSet(ds);
            dos.finish();
            body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        List<byte[]> out = new ArrayList<>();
        for (ByteArrayOutputStream b : bodies) {
            b.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            out.add(b.toByteArray());
        }
        return out;
    }

    private static void write(DataSet ds, Path file) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
             DicomOutputStream dos = new DicomOutputStream(os)) {
            dos.writeFileMetaInformation(FileMetaInformation.create(UID.CTImageStorage, ds.getString(Tag.SOPInstanceUID),
                    UID.ExplicitVRLittleEndian, "BENCH"));
            dos.writeDataSet(ds);
        }
    }
}
