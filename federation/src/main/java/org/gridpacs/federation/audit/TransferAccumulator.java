package org.gridpacs.federation.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Collects what one association (or one export) transferred, instance by instance, and makes its audit messages
 * at the end (association release or abort, export done): PS3.15 A.5.3.4 audits a transfer, not each instance,
 * and a study of 2,000 slices must give one record, not 2,000. Thread-safe: a relayed C-MOVE adds from the
 * retrieving thread while another finishes.
 *
 * <p>DICOM Instances Transferred "may only include information about a single patient" (A.5.3.4): {@link #finish}
 * gives one message per patient of the association (nearly always one). An Export may describe several patients
 * (A.5.3.6): one message.
 */
public final class TransferAccumulator {
    private final AuditMessages messages;
    private final AuditEvent event;
    private final char actionCode;
    private final ActiveParticipant source;
    private final ActiveParticipant destination;

    /** Per patient, per study, per SOP class: how many instances. */
    private final Map<String, Patient> patients = new LinkedHashMap<>();
    private final Map<String, Deidentified> deidentified = new LinkedHashMap<>();
    private int failures;
    private String lastFailure;
    private boolean finished;

    private static final class Patient {
        String name;
        final Map<String, Study> studies = new LinkedHashMap<>();
    }

    private static final class Study {
        final Map<String, Integer> sopClasses = new LinkedHashMap<>();
        final Set<String> accessions = new LinkedHashSet<>();
    }

    private record Deidentified(String newStudyUid, String method) {
    }

    TransferAccumulator(AuditMessages messages, AuditEvent event, char actionCode, ActiveParticipant source,
            ActiveParticipant destination) {
        this.messages = messages;
        this.event = event;
        this.actionCode = actionCode;
        this.source = source;
        this.destination = destination;
    }

    /**
     * One instance transferred.
     *
     * @param patientId   Patient ID (0010,0020); empty when the instance has none
     * @param patientName Patient's Name (0010,0010); may be null
     * @param accession   Accession Number (0008,0050); may be null or empty
     */
    public synchronized void add(String patientId, String patientName, String studyUid, String accession,
            String sopClassUid) {
        Objects.requireNonNull(studyUid, "studyUid");
        Objects.requireNonNull(sopClassUid, "sopClassUid");
        checkOpen();
        Patient p = patients.computeIfAbsent(patientId == null ? "" : patientId, k -> new Patient());
        if (p.name == null && patientName != null && !patientName.isEmpty()) {
            p.name = patientName;
        }
        Study s = p.studies.computeIfAbsent(studyUid, k -> new Study());
        s.sopClasses.merge(sopClassUid, 1, Integer::sum);
        if (accession != null && !accession.isEmpty()) {
            s.accessions.add(accession);
        }
    }

    /**
     * The study went de-identified (PS3.15 Annex E) under a new Study Instance UID. PS3.15 A.5 has no event of its
     * own for de-identification: the schema's Anonymized element on the study says it, on the Export (A.5.3.6) or
     * transfer that carried it; the new UID and the profile go in ParticipantObjectDetail so the record links the
     * original study to what the other site holds.
     *
     * @param method the profile and options, e.g. "Basic Application Confidentiality Profile, Retain Longitudinal
     *               Temporal Information Option"
     */
    public synchronized void deidentified(String studyUid, String newStudyUid, String method) {
        checkOpen();
        deidentified.put(studyUid, new Deidentified(newStudyUid, method));
    }

    /** One instance that could not be transferred (the message's outcome becomes a failure). */
    public synchronized void failed(String reason) {
        checkOpen();
        failures++;
        lastFailure = reason;
    }

    public synchronized int instances() {
        return patients.values().stream().flatMap(p -> p.studies.values().stream())
                .flatMap(s -> s.sopClasses.values().stream()).mapToInt(Integer::intValue).sum();
    }

    /**
     * The audit messages of the whole association: outcome success when nothing failed, minor failure when some
     * instances failed or the association was aborted after some went, serious failure when nothing went.
     *
     * @param aborted why the association ended early (A-ABORT, timeout, cancel); null for a normal release
     */
    public synchronized List<AuditMessage> finish(String aborted) {
        checkOpen();
        finished = true;
        int sent = instances();
        Outcome outcome = failures == 0 && aborted == null ? Outcome.SUCCESS
                : sent > 0 ? Outcome.MINOR_FAILURE : Outcome.SERIOUS_FAILURE;
        String description = null;
        if (aborted != null || failures > 0) {
            description = (aborted != null ? "aborted: " + aborted + "; " : "") + sent + " instances transferred"
                    + (failures > 0 ? ", " + failures + " failed (last: " + lastFailure + ")" : "");
        }
        List<AuditMessage> out = new ArrayList<>();
        if (event == AuditEvent.EXPORT || patients.size() <= 1) {
            out.add(message(patients, outcome, description));
        } else {
            for (Map.Entry<String, Patient> p : patients.entrySet()) {
                out.add(message(Map.of(p.getKey(), p.getValue()), outcome, description));
            }
        }
        return out;
    }

    /** {@link #finish} and record each message in the trail. */
    public void finish(String aborted, AuditTrail trail) {
        for (AuditMessage m : finish(aborted)) {
            trail.record(m);
        }
    }

    private AuditMessage message(Map<String, Patient> which, Outcome outcome, String description) {
        List<ParticipantObject> objects = new ArrayList<>();
        for (Patient p : which.values()) {
            for (Map.Entry<String, Study> s : p.studies.entrySet()) {
                List<ParticipantObject.SopClassCount> classes = new ArrayList<>();
                s.getValue().sopClasses.forEach((uid, n) -> classes.add(new ParticipantObject.SopClassCount(uid, n)));
                Deidentified d = deidentified.get(s.getKey());
                List<ParticipantObject.Detail> details = d == null ? List.of() : List.of(
                        new ParticipantObject.Detail(ParticipantObject.DETAIL_DEIDENTIFIED_STUDY, d.newStudyUid()),
                        new ParticipantObject.Detail(ParticipantObject.DETAIL_DEIDENTIFICATION, d.method()));
                // Anonymized is said when we know: true when de-identified, false otherwise
                objects.add(ParticipantObject.study(s.getKey(), classes, List.copyOf(s.getValue().accessions),
                        d != null, details));
            }
        }
        for (Map.Entry<String, Patient> p : which.entrySet()) {
            objects.add(ParticipantObject.patient(p.getKey(), p.getValue().name));
        }
        return new AuditMessage(event, actionCode, messages.now(), outcome, description, List.of(),
                List.of(source, destination), messages.source(), objects);
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("this transfer's audit was already finished");
        }
    }
}
