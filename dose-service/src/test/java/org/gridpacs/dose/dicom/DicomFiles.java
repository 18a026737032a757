package org.gridpacs.dose.dicom;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;

/** Part 10 files for the tests: read one whole, write a data set as Explicit VR Little Endian. */
final class DicomFiles {
    private DicomFiles() {
    }

    static DataSet read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            DicomInputStream dis = new DicomInputStream(in);
            dis.readFileMetaInformation();
            return dis.readDataSet();
        }
    }

    static void write(DataSet ds, Path file) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file));
             DicomOutputStream dos = new DicomOutputStream(os)) {
            dos.writeFileMetaInformation(FileMetaInformation.create(ds.getString(Tag.SOPClassUID),
                    ds.getString(Tag.SOPInstanceUID), UID.ExplicitVRLittleEndian, null));
            dos.writeDataSet(ds);
        }
    }
}
