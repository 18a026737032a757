package org.gridpacs.federation.deid;

/**
 * The settings of one de-identification: the PS3.15 E.3 options GridPACS implements, the refusal of burned-in
 * annotation, and the replacement Patient's Name and Patient ID (a pseudonym the caller gives, such as a
 * study code of the receiving site; when null, a keyed pseudonym of the original Patient ID is used).
 *
 * @param retainLongitudinalFullDates Retain Longitudinal Temporal Information with Full Dates Option (E.3.6)
 * @param cleanDescriptors Clean Descriptors Option (E.3.5); when off, the descriptors are removed (basic X)
 * @param allowBurnedInAnnotation de-identify instances flagged Burned In Annotation YES (pixels stay as they are)
 * @param patientName replacement Patient's Name, or null
 * @param patientId replacement Patient ID, or null
 */
public record DeidentificationOptions(boolean retainLongitudinalFullDates, boolean cleanDescriptors,
                                      boolean allowBurnedInAnnotation, String patientName, String patientId) {

    /** The basic profile alone: dates removed, descriptors removed, burned-in annotation refused. */
    public static final DeidentificationOptions BASIC = new DeidentificationOptions(false, false, false, null, null);

    public DeidentificationOptions {
        checkValue("patient name", patientName);
        checkValue("patient ID", patientId);
    }

    private static void checkValue(String what, String v) {
        if (v != null && (v.isBlank() || v.length() > 64 || v.indexOf('\\') >= 0 || v.chars().anyMatch(c -> c < 0x20))) {
            throw new IllegalArgumentException("replacement " + what + " must be 1 to 64 characters without"
                    + " backslash or control characters");
        }
    }

    public DeidentificationOptions withRetainLongitudinalFullDates(boolean on) {
        return new DeidentificationOptions(on, cleanDescriptors, allowBurnedInAnnotation, patientName, patientId);
    }

    public DeidentificationOptions withCleanDescriptors(boolean on) {
        return new DeidentificationOptions(retainLongitudinalFullDates, on, allowBurnedInAnnotation, patientName, patientId);
    }

    public DeidentificationOptions withAllowBurnedInAnnotation(boolean on) {
        return new DeidentificationOptions(retainLongitudinalFullDates, cleanDescriptors, on, patientName, patientId);
    }

    /** With the given replacement Patient's Name and Patient ID (either may be null: the keyed pseudonym). */
    public DeidentificationOptions withPatient(String name, String id) {
        return new DeidentificationOptions(retainLongitudinalFullDates, cleanDescriptors, allowBurnedInAnnotation, name, id);
    }
}
