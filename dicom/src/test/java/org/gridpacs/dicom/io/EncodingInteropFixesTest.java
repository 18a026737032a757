package org.gridpacs.dicom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.junit.jupiter.api.Test;

/** Encoding details that the interoperability tests with DCMTK brought up. */
class EncodingInteropFixesTest {

    /** PS3.5 A.5: an odd-length deflated stream gets one trailing NUL (DCMTK aborts on odd P-DATA fragments). */
    @Test
    void deflatedDataSetsHaveEvenLength() throws IOException {
        int odd = 0;
        for (int n = 0; n < 40; n++) {
            DataSet ds = new DataSet();
            // even-length values, so that what is read back is exactly what was set
            ds.setString(Tag.PatientName, VR.PN, "Doe^" + "JO".repeat(n));
            ds.setString(Tag.PatientID, VR.LO, String.format("%08d", n * 7919));
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DicomOutputStream dos = new DicomOutputStream(b);
            dos.setTransferSyntax(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);
            dos.writeDataSet(ds);
            dos.finish();
            dos.finish(); // finishing twice adds nothing
            byte[] bytes = b.toByteArray();
            assertEquals(0, bytes.length & 1, "deflated length " + bytes.length);
            if (bytes[bytes.length - 1] == 0) {
                odd++;
            }
            DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(bytes));
            in.setTransferSyntax(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);
            assertEquals(ds, in.readDataSet(), "the padding is not read as data");
        }
        // some of those streams were odd before padding (else this test proves nothing)
        org.junit.jupiter.api.Assertions.assertTrue(odd > 0);
    }

    /** "US or SS" elements read implicit take SS when Pixel Representation is 1, as DCMTK and pydicom read them. */
    @Test
    void implicitUsOrSsFollowsPixelRepresentation() throws IOException {
        for (int pixelRepresentation : new int[] {0, 1}) {
            DataSet ds = new DataSet();
            ds.setInt(Tag.PixelRepresentation, VR.US, pixelRepresentation);
            ds.setInt(Tag.SmallestImagePixelValue, pixelRepresentation == 1 ? VR.SS : VR.US, 0);
            ds.setInt(Tag.PixelPaddingValue, pixelRepresentation == 1 ? VR.SS : VR.US, pixelRepresentation == 1 ? -2000 : 0);
            ds.setInt(Tag.RedPaletteColorLookupTableDescriptor, VR.US, 256, 0, 16);
            DataSet item = ds.newSequence(Tag.RealWorldValueMappingSequence).addItem();
            item.setInt(Tag.RealWorldValueFirstValueMapped, pixelRepresentation == 1 ? VR.SS : VR.US, 0);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DicomOutputStream dos = new DicomOutputStream(b);
            dos.setTransferSyntax(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
            dos.writeDataSet(ds);
            dos.finish();
            DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(b.toByteArray()));
            in.setTransferSyntax(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
            DataSet read = in.readDataSet();
            assertEquals(ds, read, "Pixel Representation " + pixelRepresentation);
            assertEquals(VR.US, read.vrOf(Tag.RedPaletteColorLookupTableDescriptor), "LUT descriptors stay US");
        }
    }
}
