package org.gridpacs.federation.audit;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The child of {@link AuditLogKillTest}: appends transfers of patients P0, P1, ... to the log in args[0] as fast as
 * it can, printing {@code ACK n} once each append returned (forced to disk), until it is killed.
 */
public final class AuditLogKillChild {
    public static void main(String[] args) throws Exception {
        AuditMessages messages = Samples.messages();
        try (AuditLog log = new AuditLog(Path.of(args[0]), 256 * 1024, 0, true)) {
            for (int i = 0; ; i++) {
                // sizes vary so the kill lands at different places of a record
                log.append(Samples.transfer(Samples.messages(Instant.now()), i, 1 + i % 7));
                System.out.println("ACK " + i);
                System.out.flush();
            }
        }
    }
}
