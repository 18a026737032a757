package org.gridpacs.federation.deid;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;

/** Reading and writing Part 10 files in these tests. */
record Instances(DataSet fileMeta, DataSet dataSet, String transferSyntax) {

    static Instances read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            DicomInputStream dis = new DicomInputStream(in);
            DataSet fmi = dis.readFileMetaInformation();
            String ts = dis.transferSyntax().uid();
            return new Instances(fmi, dis.readDataSet(), ts);
        }
    }

    /** Writes the data set as a Part 10 file with fresh meta information (for files patched by a test). */
    void write(Path file) throws IOException {
        DataSet fmi = FileMetaInformation.create(dataSet.getString(Tag.SOPClassUID), dataSet.getString(Tag.SOPInstanceUID),
                transferSyntax, null);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            DicomOutputStream dos = new DicomOutputStream(out);
            dos.writeFileMetaInformation(fmi);
            dos.writeDataSet(dataSet);
            dos.finish();
        }
    }
}
