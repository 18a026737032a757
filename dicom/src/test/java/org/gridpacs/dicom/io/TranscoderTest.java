package org.gridpacs.dicom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.testutil.TestData;
import org.junit.jupiter.api.Test;

/** Streaming conversion between the native transfer syntaxes keeps every element, pixel values included. */
class TranscoderTest {
    private static final List<TransferSyntax> NATIVE = List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN,
            TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);

    @Test
    void everyNativePairKeepsTheDataSet() throws IOException {
        for (String name : List.of("CT_small.dcm", "MR_small.dcm", "rtdose.dcm", "MR_small_bigendian.dcm")) {
            DataSet original;
            TransferSyntax ts;
            byte[] dataSet;
            try (InputStream in = Files.newInputStream(TestData.pydicomFile(name))) {
                DicomInputStream dis = new DicomInputStream(in);
                dis.readFileMetaInformation();
                ts = dis.transferSyntax();
                original = dis.readDataSet();
            }
            dataSet = encode(original, ts);
            for (TransferSyntax to : NATIVE) {
                ByteArrayOutputStream converted = new ByteArrayOutputStream();
                Transcoder.transcode(new ByteArrayInputStream(dataSet), ts, converted, to);
                DataSet back = decode(converted.toByteArray(), to);
                assertEquals(original, back, name + " from " + ts + " to " + to);
                // and back again
                ByteArrayOutputStream again = new ByteArrayOutputStream();
                Transcoder.transcode(new ByteArrayInputStream(converted.toByteArray()), to, again, ts);
                assertEquals(original, decode(again.toByteArray(), ts), name + " back from " + to);
            }
        }
    }

    /**
     * A header changed by the caller (a coercion, a de-identification) is written with the rest as it follows:
     * converted between native syntaxes, passed on as it is in the same syntax, compressed pixel data included.
     */
    @Test
    void aChangedHeaderIsWrittenBeforeTheRest() throws IOException {
        for (String name : List.of("CT_small.dcm", "MR_small_bigendian.dcm", "MR_small_RLE.dcm",
                "SC_rgb_jpeg_dcmtk.dcm")) {
            DataSet original;
            TransferSyntax ts;
            try (InputStream in = Files.newInputStream(TestData.pydicomFile(name))) {
                DicomInputStream dis = new DicomInputStream(in);
                dis.readFileMetaInformation();
                ts = dis.transferSyntax();
                original = dis.readDataSet();
            }
            DataSet expected = original.copy();
            expected.setString(org.gridpacs.dicom.data.Tag.PatientName, org.gridpacs.dicom.data.VR.PN, "CHANGED");
            byte[] dataSet = encode(original, ts);
            List<TransferSyntax> targets = ts.encapsulated() ? List.of(ts)
                    : List.of(ts, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);
            for (TransferSyntax to : targets) {
                DicomInputStream dis = new DicomInputStream(new ByteArrayInputStream(dataSet));
                dis.setTransferSyntax(ts);
                DataSet header = dis.readDataSet(org.gridpacs.dicom.data.Tag.PixelData);
                header.setString(org.gridpacs.dicom.data.Tag.PatientName, org.gridpacs.dicom.data.VR.PN, "CHANGED");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Transcoder.writeHeaderAndRest(header, dis, ts, out, to);
                // compared encoded: a value set in code and the same value read back differ in form (padding)
                org.junit.jupiter.api.Assertions.assertArrayEquals(encode(expected, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN),
                        encode(decode(out.toByteArray(), to), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN),
                        name + " from " + ts + " to " + to);
            }
        }
        // deflated to deflated: the rest is inflated when read and deflated again when written
        DataSet ct;
        try (InputStream in = Files.newInputStream(TestData.pydicomFile("CT_small.dcm"))) {
            DicomInputStream dis = new DicomInputStream(in);
            dis.readFileMetaInformation();
            ct = dis.readDataSet();
        }
        TransferSyntax deflated = TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN;
        DicomInputStream dis = new DicomInputStream(new ByteArrayInputStream(encode(ct, deflated)));
        dis.setTransferSyntax(deflated);
        DataSet header = dis.readDataSet(org.gridpacs.dicom.data.Tag.PixelData);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Transcoder.writeHeaderAndRest(header, dis, deflated, out, deflated);
        assertEquals(ct, decode(out.toByteArray(), deflated));
    }

    @Test
    void compressedDataIsRefused() {
        TransferSyntax jpeg = TransferSyntax.of("1.2.840.10008.1.2.4.50");
        assertFalse(Transcoder.canConvert(jpeg, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        assertTrue(Transcoder.canConvert(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN));
        assertThrows(DicomStreamException.class, () -> Transcoder.transcode(new ByteArrayInputStream(new byte[0]), jpeg,
                new ByteArrayOutputStream(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
    }

    private static byte[] encode(DataSet ds, TransferSyntax ts) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DicomOutputStream dos = new DicomOutputStream(bos);
        dos.setTransferSyntax(ts);
        dos.writeDataSet(ds);
        dos.finish();
        return bos.toByteArray();
    }

    private static DataSet decode(byte[] b, TransferSyntax ts) throws IOException {
        DicomInputStream dis = new DicomInputStream(new ByteArrayInputStream(b));
        dis.setTransferSyntax(ts);
        return dis.readDataSet();
    }
}
