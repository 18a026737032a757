package org.gridpacs.web.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What OHIF 3.12.10 reads from the JSON answers (dicomweb.md 1.2), checked against the data that was stored: the
 * attributes of a study row, of a series row, and of an instance's metadata.
 */
final class OhifReads {
    /** The image attributes OHIF renders with (and builds its imageIds from), on every image. */
    static final int[] IMAGE = {Tag.SOPClassUID, Tag.SOPInstanceUID, Tag.StudyInstanceUID, Tag.SeriesInstanceUID,
            Tag.Modality, Tag.InstanceNumber, Tag.Rows, Tag.Columns, Tag.BitsAllocated, Tag.BitsStored, Tag.HighBit,
            Tag.PixelRepresentation, Tag.PhotometricInterpretation, Tag.SamplesPerPixel, Tag.PixelSpacing,
            Tag.ImagePositionPatient, Tag.ImageOrientationPatient, Tag.FrameOfReferenceUID};
    /** CT: the modality LUT and the VOI. */
    static final int[] CT = {Tag.RescaleIntercept, Tag.RescaleSlope, Tag.WindowCenter, Tag.WindowWidth};
    /** RT Dose: the frames' positions (IPP + normal x offset) and the scaling of pixel values to Gy. */
    static final int[] DOSE = {Tag.NumberOfFrames, Tag.GridFrameOffsetVector, Tag.DoseGridScaling, Tag.DoseUnits};

    private OhifReads() {
    }

    record Study(String uid, String patientId, String patientName, String date, String description,
                 Set<String> modalities, int instances) {
    }

    /** processResults of OHIF's qido.js; getName takes Value[0].Alphabetic, getModalities Value.length unchecked. */
    static void studyRow(JsonNode row, Study s) {
        String at = "study " + s.uid() + ": ";
        upperHexKeys(row, at);
        assertEquals(s.uid(), text(row, "0020000D", at), at + "StudyInstanceUID");
        assertEquals(s.date(), text(row, "00080020", at), at + "StudyDate");
        assertEquals("093000", text(row, "00080030", at), at + "StudyTime");
        assertEquals("ACC" + s.patientId(), text(row, "00080050", at), at + "AccessionNumber");
        assertEquals(s.patientId(), text(row, "00100020", at), at + "PatientID");
        JsonNode name = value(row, "00100010", at).get(0);
        assertTrue(name.isObject(), at + "PatientName as a PN object, not " + name);
        assertEquals(s.patientName(), name.path("Alphabetic").asText(null), at + "PatientName Alphabetic");
        JsonNode count = value(row, "00201208", at).get(0);
        assertTrue(count.isNumber(), at + "NumberOfStudyRelatedInstances as a number: " + count);
        assertEquals(s.instances(), count.asInt(), at + "NumberOfStudyRelatedInstances");
        assertEquals(s.description(), text(row, "00081030", at), at + "StudyDescription");
        Set<String> modalities = new TreeSet<>();
        value(row, "00080061", at).forEach(m -> modalities.add(m.asText()));
        assertEquals(new TreeSet<>(s.modalities()), modalities, at + "ModalitiesInStudy");
    }

    /** The series rows of the lazy loader and of an expanded study row. */
    static void seriesRow(JsonNode row, List<DataSet> instances) {
        DataSet first = instances.get(0);
        String at = "series " + first.getString(Tag.SeriesInstanceUID) + ": ";
        upperHexKeys(row, at);
        assertEquals(first.getString(Tag.SeriesInstanceUID), text(row, "0020000E", at), at + "SeriesInstanceUID");
        assertEquals(first.getString(Tag.Modality), text(row, "00080060", at), at + "Modality");
        assertEquals(first.getInt(Tag.SeriesNumber, -1), value(row, "00200011", at).get(0).asInt(-2),
                at + "SeriesNumber");
        assertEquals(first.getString(Tag.SeriesDescription), text(row, "0008103E", at), at + "SeriesDescription");
        assertEquals(instances.size(), value(row, "00201209", at).get(0).asInt(-1),
                at + "NumberOfSeriesRelatedInstances");
        if (row.has("0020000D")) {
            assertEquals(first.getString(Tag.StudyInstanceUID), text(row, "0020000D", at), at + "StudyInstanceUID");
        }
    }

    /** One instance of a metadata array, as dcmjs naturalizes it and OHIF's image loader uses it. */
    static void instanceMetadata(JsonNode meta, DataSet stored) {
        String at = "metadata of " + stored.getString(Tag.SOPInstanceUID) + " (" + stored.getString(Tag.Modality)
                + "): ";
        upperHexKeys(meta, at);
        sameValues(meta, stored, IMAGE, at);
        if ("CT".equals(stored.getString(Tag.Modality))) {
            sameValues(meta, stored, CT, at);
        }
        if ("RTDOSE".equals(stored.getString(Tag.Modality))) {
            sameValues(meta, stored, DOSE, at);
            assertEquals("3004000C", text(meta, "00280009", at), at + "FrameIncrementPointer");
        }
        JsonNode pixels = meta.get("7FE00010");
        assertTrue(pixels != null && pixels.has("BulkDataURI"), at + "Pixel Data announced with a BulkDataURI: "
                + pixels);
        assertFalse(pixels.has("Value") || pixels.has("InlineBinary"), at + "Pixel Data not inline");
    }

    /** Each tag's JSON VR and Value equal the stored element's (numbers as JSON numbers, as dcmjs expects). */
    static void sameValues(JsonNode meta, DataSet stored, int[] tags, String at) {
        for (int tag : tags) {
            String key = String.format("%08X", tag);
            VR vr = stored.vrOf(tag);
            if (vr == null) {
                fail(at + key + " is not in the stored data set: the test data lacks what OHIF reads");
            }
            JsonNode values = value(meta, key, at);
            assertEquals(vr.name(), meta.get(key).path("vr").asText(), at + key + " vr");
            switch (vr) {
                case US, SS, UL, SL, IS, DS, FL, FD -> {
                    double[] expected = stored.getDoubles(tag);
                    assertEquals(expected.length, values.size(), at + key + " value count");
                    for (int k = 0; k < expected.length; k++) {
                        assertTrue(values.get(k).isNumber(), at + key + " value " + k + " as a number: " + values);
                        assertEquals(expected[k], values.get(k).asDouble(), 1e-9, at + key + " value " + k);
                    }
                }
                default -> {
                    List<String> actual = new java.util.ArrayList<>();
                    values.forEach(v -> actual.add(v.asText()));
                    assertEquals(List.of(stored.getStrings(tag)), actual, at + key);
                }
            }
        }
    }

    /** dcmjs looks keys up in its dictionary: eight upper-case hex digits, at every depth. */
    static void upperHexKeys(JsonNode object, String at) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            assertTrue(key.matches("[0-9A-F]{8}"), at + "key '" + key + "' is not 8 upper-case hex digits");
            JsonNode v = object.get(key).get("Value");
            if (v != null && "SQ".equals(object.get(key).path("vr").asText())) {
                v.forEach(item -> upperHexKeys(item, at + key + "/"));
            }
        }
    }

    /** The Value array of {@code key}, which must be there and not empty. */
    static JsonNode value(JsonNode object, String key, String at) {
        JsonNode v = object.path(key).get("Value");
        if (v == null || !v.isArray() || v.isEmpty()) {
            fail(at + key + " has no Value: " + object.get(key));
        }
        return v;
    }

    static String text(JsonNode object, String key, String at) {
        return value(object, key, at).get(0).asText();
    }
}
