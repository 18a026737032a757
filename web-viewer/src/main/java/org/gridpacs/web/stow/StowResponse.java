package org.gridpacs.web.stow;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.dimse.Status;

/**
 * What a STOW-RS request achieved, part by part, and the answer it makes (PS3.18 10.5.3 and Annex I): the Store
 * Instances Response data set (RetrieveURL of the study, ReferencedSOPSequence of the stored instances with their
 * RetrieveURL and WarningReason, FailedSOPSequence with the FailureReason of each refused one) and its status.
 */
final class StowResponse {
    /** Why a part was not stored, for the status when none was: 400, 415 or 409. */
    enum Cause {
        /** Not a Part 10 file, cut short, or the body broke: bad syntax (400). */
        UNREADABLE(400),
        /** A part of a media type other than application/dicom (415). */
        UNSUPPORTED_TYPE(415),
        /** Well-formed but refused by the store or by a rule (409). */
        REFUSED(409);

        final int status;

        Cause(int status) {
            this.status = status;
        }
    }

    private record Stored(StoreResult result) {
    }

    private record Failed(String sopClassUID, String sopInstanceUID, int reason, Cause cause) {
    }

    private final String serviceRoot;
    private final String pathStudy;
    private final List<Stored> stored = new ArrayList<>();
    private final List<Failed> failed = new ArrayList<>();
    /** The reasons in words, for the Warning headers and the refusal. */
    private final List<String> reasons = new ArrayList<>();
    private String bodyFailure;

    /** {@code pathStudy}: the study of the URL (POST /studies/{study}), or null. */
    StowResponse(String serviceRoot, String pathStudy) {
        this.serviceRoot = serviceRoot;
        this.pathStudy = pathStudy;
    }

    void stored(StoreResult result) {
        stored.add(new Stored(result));
        if (result.status() != Status.SUCCESS) {
            reasons.add(String.format("%s stored with warning %04X%s", result.header().sopInstanceUID(),
                    result.status(), result.comment() == null ? "" : ": " + result.comment()));
        }
    }

    /** A part not stored; the UIDs are null when the part could not be read far enough to know them. */
    void failed(int part, String sopClassUID, String sopInstanceUID, int reason, Cause cause, String why) {
        failed.add(new Failed(sopClassUID, sopInstanceUID, reason, cause));
        reasons.add("part " + part + (sopInstanceUID == null ? "" : " (" + sopInstanceUID + ")") + " not stored: " + why);
    }

    /** The body broke: the parts after it were never read. */
    void bodyFailed(String why) {
        bodyFailure = why;
        reasons.add(why);
    }

    boolean bodyBroken() {
        return bodyFailure != null;
    }

    List<String> reasons() {
        return reasons;
    }

    /** The first {@code max} reasons joined, and how many more there are: for a log line or a refusal. */
    String summary(int max) {
        if (reasons.size() <= max) {
            return String.join("; ", reasons);
        }
        return String.join("; ", reasons.subList(0, max)) + "; and " + (reasons.size() - max) + " more";
    }

    /** The status (PS3.18 Table 10.5.3-1). */
    int status() {
        if (stored.isEmpty()) {
            Set<Cause> causes = new LinkedHashSet<>();
            failed.forEach(f -> causes.add(f.cause()));
            if (bodyFailure != null) {
                causes.add(Cause.UNREADABLE);
            }
            if (causes.isEmpty()) {
                return 400; // no part at all
            }
            return causes.size() == 1 ? causes.iterator().next().status : 409;
        }
        boolean warnings = stored.stream().anyMatch(s -> s.result().status() != Status.SUCCESS);
        return failed.isEmpty() && bodyFailure == null && !warnings ? 200 : 202;
    }

    /** The Store Instances Response (PS3.18 Annex I). */
    DataSet dataSet() {
        DataSet ds = new DataSet();
        Set<String> studies = new LinkedHashSet<>();
        stored.forEach(s -> studies.add(s.result().header().studyInstanceUID()));
        String study = pathStudy != null ? pathStudy : studies.size() == 1 ? studies.iterator().next() : null;
        // type 2: empty when the instances stored belong to several studies (or none was stored)
        ds.setString(Tag.RetrieveURL, VR.UR, study == null ? "" : serviceRoot + "/studies/" + study);
        if (!failed.isEmpty()) {
            Sequence seq = ds.newSequence(Tag.FailedSOPSequence);
            for (Failed f : failed) {
                DataSet item = seq.addItem();
                item.setString(Tag.ReferencedSOPClassUID, VR.UI, f.sopClassUID() == null ? "" : f.sopClassUID());
                item.setString(Tag.ReferencedSOPInstanceUID, VR.UI, f.sopInstanceUID() == null ? "" : f.sopInstanceUID());
                item.setInt(Tag.FailureReason, VR.US, f.reason());
            }
        }
        if (!stored.isEmpty()) {
            Sequence seq = ds.newSequence(Tag.ReferencedSOPSequence);
            for (Stored s : stored) {
                InstanceHeader h = s.result().header();
                DataSet item = seq.addItem();
                item.setString(Tag.ReferencedSOPClassUID, VR.UI, h.sopClassUID());
                item.setString(Tag.ReferencedSOPInstanceUID, VR.UI, h.sopInstanceUID());
                item.setString(Tag.RetrieveURL, VR.UR, serviceRoot + "/studies/" + h.studyInstanceUID() + "/series/"
                        + h.seriesInstanceUID() + "/instances/" + h.sopInstanceUID());
                if (s.result().status() != Status.SUCCESS) {
                    item.setInt(Tag.WarningReason, VR.US, s.result().status());
                }
            }
        }
        return ds;
    }
}
