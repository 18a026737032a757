package org.gridpacs.federation.audit;

import java.util.Objects;

/**
 * A coded value of the DICOM audit message schema (PS3.15 A.5.1, "CodedValueType"): {@code csd-code},
 * {@code codeSystemName}, {@code originalText} (the code meaning), as attributes of EventID, EventTypeCode,
 * RoleIDCode, ParticipantObjectIDTypeCode and AuditSourceTypeCode. The DICOM codes come from PS3.16 (CID 400 Audit
 * Event ID, CID 401 Audit Event Type Code, CID 402 Audit Active Participant Role ID Code, CID 404 Audit Participant
 * Object ID Type Code); the patient's ID type code is RFC 3881's own ("2", Patient Number).
 */
public record AuditCode(String code, String codeSystemName, String originalText) {

    public AuditCode {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(codeSystemName, "codeSystemName");
        Objects.requireNonNull(originalText, "originalText");
    }

    static AuditCode dcm(String code, String meaning) {
        return new AuditCode(code, "DCM", meaning);
    }

    // EventID, CID 400
    public static final AuditCode BEGIN_TRANSFERRING = dcm("110102", "Begin Transferring DICOM Instances");
    public static final AuditCode INSTANCES_TRANSFERRED = dcm("110104", "DICOM Instances Transferred");
    public static final AuditCode EXPORT = dcm("110106", "Export");
    public static final AuditCode QUERY = dcm("110112", "Query");
    public static final AuditCode SECURITY_ALERT = dcm("110113", "Security Alert");

    // EventTypeCode of a Security Alert, CID 401 (Security Alert Type Code)
    public static final AuditCode NODE_AUTHENTICATION = dcm("110126", "Node Authentication");
    public static final AuditCode USE_OF_RESTRICTED_FUNCTION = dcm("110132", "Use of Restricted Function");

    // RoleIDCode, CID 402
    public static final AuditCode APPLICATION = dcm("110150", "Application");
    public static final AuditCode DESTINATION = dcm("110152", "Destination Role ID");
    public static final AuditCode SOURCE = dcm("110153", "Source Role ID");

    // ParticipantObjectIDTypeCode, CID 404, and RFC 3881's Patient Number
    public static final AuditCode STUDY_INSTANCE_UID = dcm("110180", "Study Instance UID");
    public static final AuditCode SOP_CLASS_UID = dcm("110181", "SOP Class UID");
    public static final AuditCode NODE_ID = dcm("110182", "Node ID");
    public static final AuditCode PATIENT_NUMBER = new AuditCode("2", "RFC-3881", "Patient Number");

    // AuditSourceTypeCode (RFC 3881 5.4, as PS3.15 A.5.1 uses it): 4 = application server process
    public static final AuditCode APPLICATION_SERVER = new AuditCode("4", "DCM", "Application Server Process");
}
