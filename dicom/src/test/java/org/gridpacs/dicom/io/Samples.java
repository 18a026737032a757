package org.gridpacs.dicom.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

/** Data sets built in code for the reader and writer tests, and helpers to encode and decode them in memory. */
final class Samples {
    static final String SOP_CLASS = "1.2.840.10008.5.1.4.1.1.4";
    static final String SOP_INSTANCE = "1.2.826.0.1.3680043.2.1125.1.42";

    /** The four native transfer syntaxes. */
    static final List<TransferSyntax> NATIVE = List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN,
            TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);

    // private elements of GE's "GEMS_IDEN_01" block, whose VRs the private dictionary knows (needed for implicit VR)
    static final int PRIVATE_CREATOR = 0x00090010;
    static final int PRIVATE_SH = 0x00091002;
    static final int PRIVATE_US = 0x00091020;
    static final int PRIVATE_SL = 0x00091027;

    static final int[] ACQUISITION_MATRIX = {0x0102, 256, 65535, 0};
    static final int[] VERTICES = {-5, 300, -32768, 32767};
    static final int[] FRAME_LIST = {1, 0x01020304, 0xFFFFFFFF};
    static final double[] R_WAVE = {1.5, -2.25, 3.0e7};
    static final double[] GRADIENT = {0.5, -0.25, 1e-300};
    static final int[] FRAME_POINTERS = {Tag.FrameTime, Tag.FrameTimeVector};

    private Samples() {
    }

    /**
     * A data set with every kind of value the encoders treat differently: strings of several VRs, a person name,
     * multi-valued US, SS, UL, FL, FD and AT, OW pixel data, sequences nested three levels deep, an empty
     * sequence, a private block and an empty element. Every value has even length, so that what is read back
     * equals what was written (odd values gain a padding byte).
     */
    static DataSet rich() {
        DataSet ds = new DataSet();
        str(ds, Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100");
        str(ds, Tag.ImageType, VR.CS, "ORIGINAL\\PRIMARY\\AXIAL");
        str(ds, Tag.SOPClassUID, VR.UI, SOP_CLASS);
        str(ds, Tag.SOPInstanceUID, VR.UI, SOP_INSTANCE);
        str(ds, Tag.StudyDate, VR.DA, "20240131");
        str(ds, Tag.Modality, VR.CS, "MR");
        str(ds, Tag.StudyDescription, VR.LO, "Round trip test");
        ds.newSequence(Tag.ReferencedStudySequence); // empty sequence
        ds.setInt(Tag.SimpleFrameList, VR.UL, FRAME_LIST);

        Sequence source = ds.newSequence(Tag.SourceImageSequence);
        DataSet item1 = source.addItem();
        str(item1, Tag.ReferencedSOPClassUID, VR.UI, SOP_CLASS);
        str(item1, Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3.4.5.6");
        DataSet code = item1.newSequence(Tag.PurposeOfReferenceCodeSequence).addItem();
        str(code, Tag.CodeValue, VR.SH, "121320");
        str(code, Tag.CodingSchemeDesignator, VR.SH, "DCM");
        str(code, Tag.CodeMeaning, VR.LO, "Uncompressed predecessor");
        Sequence equivalent = code.newSequence(Tag.EquivalentCodeSequence);
        DataSet level3 = equivalent.addItem();
        str(level3, Tag.CodeValue, VR.SH, "R-1234");
        str(level3, Tag.CodingSchemeDesignator, VR.SH, "SRT");
        equivalent.addItem(); // an empty item
        DataSet item2 = source.addItem();
        str(item2, Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3.4.5.7");
        item2.setInt(Tag.Rows, VR.US, 4660);
        item2.setNull(Tag.ReferencedFrameNumber, VR.IS);

        str(ds, PRIVATE_CREATOR, VR.LO, "GEMS_IDEN_01");
        str(ds, PRIVATE_SH, VR.SH, "SUITE1");
        ds.setInt(PRIVATE_US, VR.US, 0x1234);
        ds.setInt(PRIVATE_SL, VR.SL, -100000);

        ds.setString(Tag.PatientName, VR.PN, "M\u00fcller^Bj\u00f6rn"); // 12 bytes in ISO_IR 100
        str(ds, Tag.PatientID, VR.LO, "PID-0001");
        ds.setNull(Tag.PatientBirthDate, VR.DA); // empty element
        ds.setInt(Tag.AcquisitionMatrix, VR.US, ACQUISITION_MATRIX);
        ds.setDouble(Tag.RWaveTimeVector, VR.FL, R_WAVE);
        ds.setDouble(Tag.DiffusionGradientOrientation, VR.FD, GRADIENT);
        ds.setInt(Tag.VerticesOfThePolygonalExposureControlSensingRegion, VR.SS, VERTICES);
        ds.setInt(Tag.SamplesPerPixel, VR.US, 1);
        str(ds, Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        ds.setInt(Tag.FrameIncrementPointer, VR.AT, FRAME_POINTERS);
        ds.setInt(Tag.Rows, VR.US, 4);
        ds.setInt(Tag.Columns, VR.US, 4);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        ds.setInt(Tag.BitsStored, VR.US, 16);
        ds.setInt(Tag.HighBit, VR.US, 15);
        ds.setInt(Tag.PixelRepresentation, VR.US, 0);
        int[] pixels = new int[16];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = 0x0102 + k * 0x0202; // 0x0102, 0x0304, ...: byte order shows on the wire
        }
        ds.setInt(Tag.PixelData, VR.OW, pixels);
        return ds;
    }

    /** A small data set with encapsulated pixel data: an empty Basic Offset Table and two fragments (one odd). */
    static DataSet encapsulated() {
        DataSet ds = new DataSet();
        str(ds, Tag.SOPClassUID, VR.UI, SOP_CLASS);
        str(ds, Tag.SOPInstanceUID, VR.UI, SOP_INSTANCE);
        str(ds, Tag.PatientName, VR.PN, "Doe^Jane");
        ds.setInt(Tag.Rows, VR.US, 8);
        ds.setInt(Tag.Columns, VR.US, 8);
        Fragments f = new Fragments(VR.OB);
        f.add(new byte[0]);
        f.add(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 1, 2, 3, 4});
        f.add(new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, (byte) 0xFF, (byte) 0xD9});
        ds.setValue(Tag.PixelData, VR.OB, f);
        return ds;
    }

    /** Sets a string padded to even length as an encoder would (NUL for UI, space otherwise). */
    static void str(DataSet ds, int tag, VR vr, String value) {
        byte[] b = value.getBytes(StandardCharsets.ISO_8859_1);
        if ((b.length & 1) != 0) {
            b = java.util.Arrays.copyOf(b, b.length + 1);
            b[b.length - 1] = (byte) vr.paddingByte();
        }
        ds.setBytes(tag, vr, b);
    }

    /** Asserts {@code DataSet.equals}, naming the first element that differs when it fails. */
    static void assertSameDataSet(DataSet expected, DataSet actual, String context) {
        org.gridpacs.dicom.testutil.DataSetDiff.assertSameDataSet(expected, actual, context);
    }

    static DataSet fmi(TransferSyntax ts) {
        return FileMetaInformation.create(SOP_CLASS, SOP_INSTANCE, ts.uid(), "TESTSCU");
    }

    /** The data set alone (no preamble or meta information) in the transfer syntax. */
    static byte[] encode(DataSet ds, TransferSyntax ts) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bytes);
        out.setTransferSyntax(ts);
        out.writeDataSet(ds);
        out.finish();
        return bytes.toByteArray();
    }

    /** A Part 10 file: preamble, File Meta Information and the data set in the transfer syntax. */
    static byte[] encodePart10(DataSet ds, TransferSyntax ts) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bytes);
        out.writeFileMetaInformation(fmi(ts));
        out.writeDataSet(ds);
        out.finish();
        return bytes.toByteArray();
    }

    static DataSet decode(byte[] encoded, TransferSyntax ts) throws IOException {
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(encoded))) {
            in.setTransferSyntax(ts);
            return in.readDataSet();
        }
    }

    /** What a Part 10 file holds. */
    record Part10(DataSet fmi, TransferSyntax ts, DataSet dataSet) {
    }

    static Part10 decodePart10(byte[] encoded) throws IOException {
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(encoded))) {
            DataSet fmi = in.readFileMetaInformation();
            return new Part10(fmi, in.transferSyntax(), in.readDataSet());
        }
    }
}
