package org.gridpacs.web.stow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.web.json.DicomJsonWriter;
import org.gridpacs.web.stow.StowResponse.Cause;
import org.junit.jupiter.api.Test;

/** The status and data set of PS3.18 10.5.3 from what happened to the parts. */
class StowResponseTest {
    private static final String ROOT = "http://h:1/dicom-web";

    private static StoreResult result(DataSet ds, int status) {
        StoredObject o = new StoredObject("s", "k", 1, "c");
        return new StoreResult(status, StoreResult.Outcome.STORED, o, status == 0 ? null : "coerced",
                InstanceHeader.of(ds, "1.2.840.10008.1.2.1", new byte[0]), List.of(o));
    }

    @Test
    void allStoredIs200WithTheStudyUrl() {
        DataSet ds = SyntheticInstances.ct("A");
        StowResponse r = new StowResponse(ROOT, null);
        r.stored(result(ds, Status.SUCCESS));
        assertEquals(200, r.status());
        DataSet answer = r.dataSet();
        assertEquals(ROOT + "/studies/" + ds.getString(Tag.StudyInstanceUID), answer.getString(Tag.RetrieveURL));
        assertFalse(answer.contains(Tag.FailedSOPSequence));
        assertFalse(answer.getSequence(Tag.ReferencedSOPSequence).get(0).contains(Tag.WarningReason));
    }

    @Test
    void aWarningIs202WithTheWarningReason() {
        StowResponse r = new StowResponse(ROOT, null);
        r.stored(result(SyntheticInstances.ct("A"), Status.WARNING_COERCION_OF_DATA_ELEMENTS));
        assertEquals(202, r.status());
        DataSet item = r.dataSet().getSequence(Tag.ReferencedSOPSequence).get(0);
        assertEquals(0xB000, item.getInt(Tag.WarningReason, -1));
        assertTrue(DicomJsonWriter.toJson(r.dataSet()).contains("\"00081196\":{\"vr\":\"US\",\"Value\":[45056]}"));
    }

    @Test
    void instancesOfSeveralStudiesGiveAnEmptyRetrieveUrl() {
        StowResponse r = new StowResponse(ROOT, null);
        r.stored(result(SyntheticInstances.ct("A"), Status.SUCCESS));
        r.stored(result(SyntheticInstances.ct("B"), Status.SUCCESS));
        // type 2: present, without a value
        assertTrue(DicomJsonWriter.toJson(r.dataSet()).startsWith("{\"00081190\":{\"vr\":\"UR\"},"));
    }

    @Test
    void noneStoredIs400415Or409ByTheCauses() {
        StowResponse unreadable = new StowResponse(ROOT, null);
        unreadable.failed(1, null, null, Status.CANNOT_UNDERSTAND, Cause.UNREADABLE, "not DICOM");
        assertEquals(400, unreadable.status());
        StowResponse type = new StowResponse(ROOT, null);
        type.failed(1, null, null, Status.SOP_CLASS_NOT_SUPPORTED, Cause.UNSUPPORTED_TYPE, "pdf");
        assertEquals(415, type.status());
        StowResponse mixed = new StowResponse(ROOT, null);
        mixed.failed(1, null, null, Status.CANNOT_UNDERSTAND, Cause.UNREADABLE, "not DICOM");
        mixed.failed(2, "1.2", "1.2.3", Status.DUPLICATE_SOP_INSTANCE, Cause.REFUSED, "duplicate");
        assertEquals(409, mixed.status());
        DataSet failed = mixed.dataSet().getSequence(Tag.FailedSOPSequence).get(1);
        assertEquals("1.2.3", failed.getString(Tag.ReferencedSOPInstanceUID));
        assertEquals(0x0111, failed.getInt(Tag.FailureReason, -1));
        assertEquals(400, new StowResponse(ROOT, null).status()); // no part at all
        assertEquals("part 1 not stored: not DICOM; and 1 more", mixed.summary(1));
    }

    @Test
    void aBrokenBodyAfterAStoredPartIs202() {
        StowResponse r = new StowResponse(ROOT, "1.2.3");
        r.stored(result(SyntheticInstances.ct("A"), Status.SUCCESS));
        r.bodyFailed("truncated");
        assertEquals(202, r.status());
        assertEquals(ROOT + "/studies/1.2.3", r.dataSet().getString(Tag.RetrieveURL));
    }
}
