package org.gridpacs.federation.query;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

/**
 * The matches of one federated C-FIND, from every site: deduplicated by the unique key of the query level, each
 * stamped with where to retrieve it (our gateway, which relays) and which site holds it. Not thread-safe: one
 * thread merges (the C-FIND's worker).
 *
 * <p>Unique keys: Study, Series, SOP Instance UID at STUDY, SERIES, IMAGE level (UIDs are unique everywhere). At
 * PATIENT level a Patient ID is unique only within its issuer: Patient ID with Issuer of Patient ID when the
 * issuer is known; without one, a Patient ID means something only at its own site, and equal IDs of two sites
 * stay two patients.
 */
final class FederatedMatches {
    private final String level;
    private final String gatewayAeTitle;
    /** The first site to give each unique key, so that a conflict can be told. */
    private final Map<String, String> seen = new HashMap<>();
    private final Map<String, String> patientOf = new HashMap<>();
    private int duplicates;
    private int identityConflicts;

    FederatedMatches(String level, String gatewayAeTitle) {
        this.level = level == null ? "" : level.trim().toUpperCase(Locale.ROOT);
        this.gatewayAeTitle = gatewayAeTitle;
    }

    /**
     * The match as the requester gets it, or null when another site gave it already.
     *
     * @param siteAeTitle the holding site's gateway AE title (ours for the local index)
     */
    DataSet accept(String siteAeTitle, DataSet match) {
        String key = key(match, siteAeTitle);
        if (key != null) {
            String first = seen.putIfAbsent(key, siteAeTitle);
            if (first != null) {
                duplicates++;
                if (!level.equals("PATIENT") && !patient(match).equals(patientOf.get(key))) {
                    // the same study known under another patient identity at another site: not reconciled here
                    identityConflicts++;
                }
                return null;
            }
            patientOf.put(key, patient(match));
        }
        DataSet out = match.copy();
        out.setString(Tag.RetrieveAETitle, VR.AE, gatewayAeTitle);
        out.setString(Tag.StorageMediaFileSetID, VR.SH, siteAeTitle);
        return out;
    }

    /** Matches left out because another site gave the same unique key first. */
    int duplicates() {
        return duplicates;
    }

    /** Of those, the ones whose Patient ID or Issuer differed from the first one's. */
    int identityConflicts() {
        return identityConflicts;
    }

    private String key(DataSet m, String site) {
        return switch (level) {
            case "PATIENT" -> {
                String id = m.getString(Tag.PatientID);
                if (id == null || id.isBlank()) {
                    yield null;
                }
                String issuer = m.getString(Tag.IssuerOfPatientID);
                yield issuer == null || issuer.isBlank() ? "site " + site + " patient " + id.trim()
                        : "patient " + id.trim() + " issuer " + issuer.trim();
            }
            case "STUDY" -> uid(m, Tag.StudyInstanceUID);
            case "SERIES" -> uid(m, Tag.SeriesInstanceUID);
            case "IMAGE" -> uid(m, Tag.SOPInstanceUID);
            default -> null;
        };
    }

    private static String uid(DataSet m, int tag) {
        String v = m.getString(tag);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static String patient(DataSet m) {
        return String.valueOf(m.getString(Tag.PatientID)).trim() + "^" + String.valueOf(m.getString(Tag.IssuerOfPatientID)).trim();
    }

    /**
     * The identifier sent to every site: the requester's, with Issuer of Patient ID as a return key whenever the
     * Patient ID is asked for, so that each match says whose Patient ID it is.
     */
    static DataSet forwarded(DataSet keys) {
        DataSet out = keys.copy();
        if (out.contains(Tag.PatientID) && !out.contains(Tag.IssuerOfPatientID)) {
            out.setNull(Tag.IssuerOfPatientID, VR.LO);
        }
        // our stamps, not keys for the sites
        out.remove(Tag.StorageMediaFileSetID);
        return out;
    }
}
