package org.gridpacs.federation.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One DICOM audit message (PS3.15 A.5.1, the RFC 3881 schema as DICOM constrains it): what happened
 * (EventIdentification), who took part (ActiveParticipant), who reports it (AuditSourceIdentification) and what it
 * was about (ParticipantObjectIdentification). Built by {@link AuditMessages}; written and read by {@link AuditXml}.
 *
 * <p>Audit messages carry patient identifiers (Patient ID, name) and Study Instance UIDs: the audit log is
 * protected health information and must be protected as the archive is (PS3.15 A.5 expects it; a log without them
 * could not answer "who saw this patient's images").
 *
 * @param event          EventID
 * @param actionCode     EventActionCode: C, R, U, D or E
 * @param time           EventDateTime
 * @param outcome        EventOutcomeIndicator
 * @param outcomeDescription EventOutcomeDescription (why it failed); may be null
 * @param eventTypes     EventTypeCode (e.g. 110126 Node Authentication for a refused association)
 * @param participants   ActiveParticipant, at least one
 * @param source         AuditSourceIdentification
 * @param objects        ParticipantObjectIdentification
 */
public record AuditMessage(AuditEvent event, char actionCode, Instant time, Outcome outcome,
        String outcomeDescription, List<AuditCode> eventTypes, List<ActiveParticipant> participants,
        AuditSource source, List<ParticipantObject> objects) {

    /**
     * AuditSourceIdentification: our site's name as AuditEnterpriseSiteID, the reporting node as AuditSourceID.
     */
    public record AuditSource(String enterpriseSiteId, String sourceId) {
        public AuditSource {
            Objects.requireNonNull(sourceId, "sourceId");
        }
    }

    public AuditMessage {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(source, "source");
        if ("CRUDE".indexOf(actionCode) < 0) {
            throw new IllegalArgumentException("EventActionCode must be C, R, U, D or E, not " + actionCode);
        }
        time = time.truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // as written: xs:dateTime with milliseconds
        eventTypes = List.copyOf(eventTypes);
        participants = List.copyOf(participants);
        objects = List.copyOf(objects);
        if (participants.isEmpty()) {
            throw new IllegalArgumentException("an audit message needs at least one ActiveParticipant");
        }
    }

    /** The participant of that role, if any. */
    public Optional<ActiveParticipant> participant(AuditCode role) {
        return participants.stream().filter(p -> p.role().equals(role)).findFirst();
    }

    /** The studies (Study Instance UID participant objects). */
    public List<ParticipantObject> studies() {
        return objects.stream().filter(ParticipantObject::isStudy).toList();
    }

    /** The patient, if the message names one. */
    public Optional<ParticipantObject> patient() {
        return objects.stream().filter(ParticipantObject::isPatient).findFirst();
    }

    /** Whether the instances went de-identified (some study says Anonymized = true). */
    public boolean deidentified() {
        return studies().stream().anyMatch(s -> Boolean.TRUE.equals(s.anonymized()));
    }
}
