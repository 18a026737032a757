package org.gridpacs.dicom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.junit.jupiter.api.Test;

/** A deflated data set is padded to an even length (DCMTK rejects odd PDV fragments), and still reads back. */
class DeflatePaddingTest {
    @Test
    void deflatedDataSetsHaveEvenLength() throws IOException {
        for (int i = 0; i < 40; i++) { // different contents give both parities of the raw deflate stream
            DataSet ds = new DataSet();
            ds.setString(Tag.PatientName, VR.PN, "Doe^John" + "x".repeat(i));
            ds.setString(Tag.PatientID, VR.LO, Integer.toString(i * 7919));
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DicomOutputStream dos = new DicomOutputStream(bos);
            dos.setTransferSyntax(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);
            dos.writeDataSet(ds);
            dos.finish();
            assertEquals(0, bos.size() & 1, "length " + bos.size());
            DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(bos.toByteArray()));
            in.setTransferSyntax(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);
            DataSet back = in.readDataSet();
            assertEquals(ds.getString(Tag.PatientName), back.getString(Tag.PatientName));
            assertEquals(ds.getString(Tag.PatientID), back.getString(Tag.PatientID));
        }
    }
}
