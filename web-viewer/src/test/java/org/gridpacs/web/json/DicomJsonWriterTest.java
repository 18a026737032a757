package org.gridpacs.web.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.BulkData;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.TestData;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The tricky cases of the PS3.18 F.2 JSON model, on data sets built by hand and the ISO 2022 files dcm2json cannot read. */
class DicomJsonWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(DataSet ds) throws Exception {
        return JSON.readTree(DicomJsonWriter.toJson(ds));
    }

    @Test
    void keysAreUpperCaseHexInAscendingOrderWithoutGroupLengths() throws Exception {
        DataSet ds = new DataSet();
        ds.setString(Tag.StudyInstanceUID, VR.UI, "1.2.3");
        ds.setInt(0x00080000, VR.UL, 100); // a group length
        ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4");
        ds.setString(0x0029100A, VR.LO, "private");
        String text = DicomJsonWriter.toJson(ds);
        List<String> keys = new ArrayList<>();
        JSON.readTree(text).fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("00080018", "0020000D", "0029100A"), keys);
    }

    @Test
    void personNamesAsGroupsWithOnlyTheNonEmptyOnes() throws Exception {
        DataSet ds = new DataSet();
        ds.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        ds.setString(Tag.PatientName, VR.PN, "Yamada^Tarou=山田^太郎=やまだ^たろう");
        ds.setString(Tag.ReferringPhysicianName, VR.PN, "=山田^太郎");
        ds.setString(Tag.OtherPatientNames, VR.PN, "Doe^John", "", "^^^^", "Roe^Ann^^^");
        ds.setString(Tag.PerformingPhysicianName, VR.PN, "^^^^=^");
        JsonNode j = json(ds);
        assertEquals("{\"Alphabetic\":\"Yamada^Tarou\",\"Ideographic\":\"山田^太郎\",\"Phonetic\":\"やまだ^たろう\"}",
                j.at("/00100010/Value/0").toString());
        assertEquals("{\"Ideographic\":\"山田^太郎\"}", j.at("/00080090/Value/0").toString());
        assertEquals("[{\"Alphabetic\":\"Doe^John\"},null,null,{\"Alphabetic\":\"Roe^Ann^^^\"}]",
                j.at("/00101001/Value").toString());
        assertFalse(j.get("00081050").has("Value"), "a name of empty groups only is an empty value");
        assertEquals("PN", j.at("/00081050/vr").asText());
    }

    @Test
    void emptyValuesHaveNoValueAndEmptyEntriesAreNull() throws Exception {
        DataSet ds = new DataSet();
        ds.setNull(Tag.PatientBirthDate, VR.DA);
        ds.setNull(Tag.SliceThickness, VR.DS);
        ds.setString(Tag.ImageType, VR.CS, "ORIGINAL", "", "AXIAL");
        ds.setString(Tag.WindowCenter, VR.DS, "40", "", "-1.5e2");
        ds.setString(Tag.SeriesNumber, VR.IS, " +7 ");
        ds.setString(Tag.StudyDescription, VR.LO, " ");
        JsonNode j = json(ds);
        assertEquals("{\"vr\":\"DA\"}", j.get("00100030").toString());
        assertEquals("{\"vr\":\"DS\"}", j.get("00180050").toString());
        assertEquals("[\"ORIGINAL\",null,\"AXIAL\"]", j.at("/00080008/Value").toString());
        JsonNode wc = j.at("/00281050/Value");
        assertTrue(wc.get(0).isNumber() && wc.get(2).isNumber() && wc.get(1).isNull(), wc.toString());
        assertEquals(-150.0, wc.get(2).asDouble());
        assertTrue(j.at("/00200011/Value/0").isIntegralNumber());
        assertEquals(7, j.at("/00200011/Value/0").asInt());
        assertFalse(j.get("00081030").has("Value"), "a value of padding only is empty");
    }

    @Test
    void textVrsAreOneValueEvenWithBackslashes() throws Exception {
        DataSet ds = new DataSet();
        ds.setString(Tag.ImageComments, VR.LT, "a\\b");
        assertEquals("[\"a\\\\b\"]", json(ds).at("/00204000/Value").toString());
    }

    @Test
    void binaryNumbersAndAttributeTags() throws Exception {
        DataSet ds = new DataSet();
        ds.setInt(Tag.Rows, VR.US, 65535);
        ds.setInt(Tag.SmallestImagePixelValue, VR.SS, -3);
        ds.setBytes(Tag.FrameIncrementPointer, VR.AT, new byte[] {0x54, 0x30, 0x0C, 0x00, 0x08, 0x00, 0x63, 0x00});
        ds.setDouble(Tag.ImagePositionPatient, VR.DS, -1.5, 2, 3.25);
        ds.setDouble(Tag.DoseGridScaling, VR.DS, 1e-6);
        ds.setDouble(Tag.PixelSpacing, VR.DS, 0.5, 0.5);
        ds.setDouble(Tag.RescaleSlope, VR.DS, 1);
        ds.setDouble(0x00181318, VR.FD, 0.1); // dB/dt
        ds.setDouble(0x00189087, VR.FD, Double.NaN); // Diffusion b-value: not a number is not a JSON number
        ds.setBytes(0x00189219, VR.SV, new byte[] {-1, -1, -1, -1, -1, -1, -1, -1});
        ds.setBytes(0x0018921A, VR.UV, new byte[] {-1, -1, -1, -1, -1, -1, -1, -1});
        JsonNode j = json(ds);
        assertEquals("[65535]", j.at("/00280010/Value").toString());
        assertEquals("[-3]", j.at("/00280106/Value").toString());
        assertEquals("[\"3054000C\",\"00080063\"]", j.at("/00280009/Value").toString());
        assertEquals(1e-6, j.at("/3004000E/Value/0").asDouble());
        assertEquals(0.1, j.at("/00181318/Value/0").asDouble());
        assertEquals("\"NaN\"", j.at("/00189087/Value/0").toString());
        assertEquals("[-1]", j.at("/00189219/Value").toString());
        assertEquals("[18446744073709551615]", j.at("/0018921A/Value").toString());
    }

    @Test
    void sequencesEmptyItemsAndEmptySequences() throws Exception {
        DataSet ds = new DataSet();
        Sequence s = ds.newSequence(Tag.ReferencedImageSequence);
        s.addItem().setString(Tag.ReferencedSOPInstanceUID, VR.UI, "1.2");
        s.addItem();
        ds.newSequence(Tag.ReferencedStudySequence);
        JsonNode j = json(ds);
        assertEquals("{\"vr\":\"SQ\",\"Value\":[{\"00081155\":{\"vr\":\"UI\",\"Value\":[\"1.2\"]}},{}]}",
                j.get("00081140").toString());
        assertEquals("{\"vr\":\"SQ\"}", j.get("00081110").toString());
    }

    @Test
    void binaryValuesInlineAsLittleEndianBase64OrAsBulkDataUris() throws Exception {
        DataSet ds = new DataSet();
        ds.setBytes(Tag.PixelData, VR.OW, new byte[] {1, 0, 2, 0});
        ds.setBytes(0x00091010, VR.UN, new byte[] {'a', 'b'});
        Sequence icon = ds.newSequence(Tag.IconImageSequence);
        Fragments f = new Fragments(VR.OB);
        f.add(new byte[0]);
        f.add(new byte[] {1, 2});
        icon.addItem().setValue(Tag.PixelData, VR.OB, f);
        ds.setValue(0x60003000, VR.OW, new BulkData(100, 8192, false));
        JsonNode inline = json(ds);
        assertEquals("AQACAA==", inline.at("/7FE00010/InlineBinary").asText());
        assertEquals("YWI=", inline.at("/00091010/InlineBinary").asText());
        assertEquals("{\"vr\":\"OW\"}", inline.get("60003000").toString(), "a value left in its source, no URI: no value");

        List<String> asked = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = DicomJsonWriter.generator(out)) {
            new DicomJsonWriter(g, (path, vr, value) -> {
                asked.add(path + " " + vr);
                return path.equals("00091010") ? null : "http://h/bulk/" + path;
            }).write(ds);
        }
        JsonNode j = JSON.readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("00091010 UN", "00880200/0/7FE00010 OB", "60003000 OW", "7FE00010 OW"), asked);
        assertEquals("{\"vr\":\"OW\",\"BulkDataURI\":\"http://h/bulk/7FE00010\"}", j.get("7FE00010").toString());
        assertEquals("http://h/bulk/00880200/0/7FE00010", j.at("/00880200/Value/0/7FE00010/BulkDataURI").asText());
        assertEquals("YWI=", j.at("/00091010/InlineBinary").asText());
    }

    @Test
    void iso2022JapaneseAndKoreanAsDcm2jsonCannotReadThem() throws Exception {
        // values from PS3.5 Annex H and I, as pydicom's FileInfo.txt lists them
        assertEquals("{\"Alphabetic\":\"Yamada^Tarou\",\"Ideographic\":\"山田^太郎\",\"Phonetic\":\"やまだ^たろう\"}",
                patientName("chrH31.dcm"));
        assertEquals("{\"Alphabetic\":\"ﾔﾏﾀﾞ^ﾀﾛｳ\",\"Ideographic\":\"山田^太郎\",\"Phonetic\":\"やまだ^たろう\"}",
                patientName("chrH32.dcm"));
        assertEquals("{\"Alphabetic\":\"Hong^Gildong\",\"Ideographic\":\"洪^吉洞\",\"Phonetic\":\"홍^길동\"}",
                patientName("chrI2.dcm"));
        // the item's own Specific Character Set (chrSQEncoding) and the data set's (chrSQEncoding1)
        for (String f : new String[] {"chrSQEncoding.dcm", "chrSQEncoding1.dcm"}) {
            JsonNode j = JSON.readTree(DicomJsonWriter.toJson(Dcm2JsonComparisonTest.read(TestData.pydicomFile(f))));
            assertEquals("{\"Alphabetic\":\"ﾔﾏﾀﾞ^ﾀﾛｳ\",\"Ideographic\":\"山田^太郎\",\"Phonetic\":\"やまだ^たろう\"}",
                    j.at("/00321064/Value/0/00100010/Value/0").toString(), f);
        }
    }

    @Test
    void aBigEndianFilesBinaryValuesAreLittleEndian() throws Exception {
        JsonNode little = JSON.readTree(DicomJsonWriter.toJson(Dcm2JsonComparisonTest.read(TestData.pydicomFile("MR_small.dcm"))));
        JsonNode big = JSON.readTree(DicomJsonWriter.toJson(
                Dcm2JsonComparisonTest.read(TestData.pydicomFile("MR_small_bigendian.dcm"))));
        assertEquals(little.at("/7FE00010/InlineBinary"), big.at("/7FE00010/InlineBinary"));
        assertEquals(little.at("/00280106"), big.at("/00280106"), "SmallestImagePixelValue");
    }

    private static String patientName(String file) throws Exception {
        return JSON.readTree(DicomJsonWriter.toJson(Dcm2JsonComparisonTest.read(TestData.pydicomFile(file))))
                .at("/00100010/Value/0").toString();
    }

    @Test
    void bulkDataPathsRoundTrip() {
        BulkDataPaths.Path p = BulkDataPaths.parse("00540016/0/00181072");
        assertEquals(List.of(0x00540016, 0x00181072), p.tags());
        assertEquals(List.of(0), p.items());
        assertEquals("00540016/0/00181072", p.toString());
        assertEquals(Tag.PixelData, BulkDataPaths.parse("7fe00010").tag());
        assertEquals("7FE00010", BulkDataPaths.parse("7fe00010").toString());
        assertEquals("http://h:1/dicom-web/studies/1/series/2/instances/3/bulkdata/7FE00010",
                BulkDataPaths.uri("http://h:1/dicom-web", "1", "2", "3", "7FE00010"));
        for (String bad : new String[] {"", "7FE0001", "00540016/0", "00540016/x/00181072", "7FE00010/"}) {
            assertThrows(IllegalArgumentException.class, () -> BulkDataPaths.parse(bad), bad);
        }
    }
}
