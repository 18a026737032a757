package org.gridpacs.federation.audit;

import java.util.List;
import java.util.Objects;

/**
 * A ParticipantObjectIdentification (PS3.15 A.5.2.5): a patient, a study (with its SOP classes and their instance
 * counts), a query, or the node a security alert is about. Use the factories; the fields are the schema's.
 *
 * @param id            ParticipantObjectID (the patient ID, the Study Instance UID, the SOP class UID queried)
 * @param typeCode      ParticipantObjectTypeCode: 1 person, 2 system object
 * @param typeCodeRole  ParticipantObjectTypeCodeRole: 1 patient, 3 report (a study), 24 query
 * @param idType        ParticipantObjectIDTypeCode
 * @param name          ParticipantObjectName (the patient's name); may be null
 * @param query         ParticipantObjectQuery (the C-FIND identifier as sent); may be null
 * @param details       ParticipantObjectDetail type/value pairs (values base64 in the XML)
 * @param sopClasses    the study's SOP classes and instance counts (SOPClass elements)
 * @param accessions    Accession Numbers of the study (Accession elements)
 * @param anonymized    the Anonymized element: TRUE when the instances went de-identified; null when not said
 */
public record ParticipantObject(String id, int typeCode, int typeCodeRole, AuditCode idType, String name,
        byte[] query, List<Detail> details, List<SopClassCount> sopClasses, List<String> accessions,
        Boolean anonymized) {

    /** A ParticipantObjectDetail: its value is binary in the schema (base64), text here (UTF-8). */
    public record Detail(String type, String value) {
        public Detail {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, "value");
        }
    }

    /** A SOPClass element: the UID and how many instances of it (NumberOfInstances). */
    public record SopClassCount(String uid, int instances) {
    }

    /** Detail types of ours (the schema leaves them to the application). */
    public static final String DETAIL_ALERT = "Alert Description";
    public static final String DETAIL_TRANSFER_SYNTAX = "TransferSyntax";
    /** The Study Instance UID the study was given by de-identification (PS3.15 E: UIDs remapped). */
    public static final String DETAIL_DEIDENTIFIED_STUDY = "DeidentifiedStudyInstanceUID";
    /** The de-identification profile and options applied (PS3.15 Annex E profile name). */
    public static final String DETAIL_DEIDENTIFICATION = "DeidentificationMethod";

    public ParticipantObject {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(idType, "idType");
        details = List.copyOf(details);
        sopClasses = List.copyOf(sopClasses);
        accessions = List.copyOf(accessions);
        query = query == null ? null : query.clone();
    }

    /** The patient (A.5.3.4 and others: type 1 person, role 1 patient, ID type RFC 3881 "2" Patient Number). */
    public static ParticipantObject patient(String patientId, String patientName) {
        return new ParticipantObject(patientId, 1, 1, AuditCode.PATIENT_NUMBER, patientName, null, List.of(),
                List.of(), List.of(), null);
    }

    /** A study (type 2 system object, role 3 report, ID type 110180), its SOP classes with instance counts. */
    public static ParticipantObject study(String studyUid, List<SopClassCount> sopClasses, List<String> accessions,
            Boolean anonymized, List<Detail> details) {
        return new ParticipantObject(studyUid, 2, 3, AuditCode.STUDY_INSTANCE_UID, null, null, details, sopClasses,
                accessions, anonymized);
    }

    /**
     * The query (A.5.3.10: type 2, role 24 query, ID type 110181 SOP Class UID, the ID the SOP class of the C-FIND,
     * ParticipantObjectQuery the identifier as received, a TransferSyntax detail saying how it is encoded).
     */
    public static ParticipantObject query(String sopClassUid, byte[] identifier, String transferSyntaxUid) {
        return new ParticipantObject(sopClassUid, 2, 24, AuditCode.SOP_CLASS_UID, null, identifier,
                transferSyntaxUid == null ? List.of() : List.of(new Detail(DETAIL_TRANSFER_SYNTAX, transferSyntaxUid)),
                List.of(), List.of(), null);
    }

    /** A.5.3.11's alert subject: the node refused (type 2, ID type 110182 Node ID), with the reason in a detail. */
    public static ParticipantObject alertSubject(String nodeId, String reason) {
        return new ParticipantObject(nodeId, 2, 13, AuditCode.NODE_ID, null, null,
                List.of(new Detail(DETAIL_ALERT, reason)), List.of(), List.of(), null);
    }

    public boolean isPatient() {
        return idType.equals(AuditCode.PATIENT_NUMBER);
    }

    public boolean isStudy() {
        return idType.equals(AuditCode.STUDY_INSTANCE_UID);
    }

    /** The value of the first detail of that type, or null. */
    public String detail(String type) {
        return details.stream().filter(d -> d.type().equals(type)).map(Detail::value).findFirst().orElse(null);
    }

    /** Instances over every SOP class of a study. */
    public int instances() {
        return sopClasses.stream().mapToInt(SopClassCount::instances).sum();
    }

    @Override
    public byte[] query() {
        return query == null ? null : query.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParticipantObject p && id.equals(p.id) && typeCode == p.typeCode
                && typeCodeRole == p.typeCodeRole && idType.equals(p.idType) && Objects.equals(name, p.name)
                && java.util.Arrays.equals(query, p.query) && details.equals(p.details)
                && sopClasses.equals(p.sopClasses) && accessions.equals(p.accessions)
                && Objects.equals(anonymized, p.anonymized);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, idType, name, details, sopClasses);
    }
}
