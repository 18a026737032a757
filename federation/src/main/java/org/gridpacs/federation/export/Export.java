package org.gridpacs.federation.export;

import java.time.Instant;

/**
 * One export: a study owed to a destination site under a de-identification profile ({@link ExportProfile}).
 *
 * @param origin       who asked: {@code cli} (pacs export, the HTTP API) or {@code rule <n>} (a forwarding rule)
 * @param total        the study's instances when the sender last looked (0 before)
 * @param sent         how many the destination acknowledged
 * @param sentStudyUid the Study Instance UID the destination holds (the de-identified one), once known
 */
public record Export(long id, String studyInstanceUID, String destination, String profile, String origin,
                     ExportState state, Instant queued, Instant updated, int attempts, Instant nextTry,
                     String lastError, int total, int sent, String sentStudyUid) {
}
