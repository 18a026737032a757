package org.gridpacs.federation.audit;

import java.nio.file.Path;

/**
 * An audit message as the local log holds it: where (segment file, byte offset) and the message.
 */
public record AuditRecord(Path segment, long offset, AuditMessage message) {
}
