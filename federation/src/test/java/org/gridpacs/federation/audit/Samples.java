package org.gridpacs.federation.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Test fixtures: two sites' gateways and a message factory with a fixed or real clock. */
final class Samples {
    static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    static final String RT_PLAN = "1.2.840.10008.5.1.4.1.1.481.5";
    static final String STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1";
    static final ActiveParticipant SITE_A = new ActiveParticipant("FEDERATION", "site-a", "127.0.0.1", true,
            AuditCode.SOURCE);
    static final ActiveParticipant SITE_B = new ActiveParticipant("PACS_B", "site-b", "pacs-b.example.org", false,
            AuditCode.DESTINATION);

    private Samples() {
    }

    static AuditMessages messages(Instant at) {
        return new AuditMessages("site-a", "FEDERATION@node1", Clock.fixed(at, ZoneOffset.UTC));
    }

    static AuditMessages messages() {
        return new AuditMessages("site-a", "FEDERATION@node1");
    }

    /** A transfer of {@code n} CT instances of one study of patient P{@code i}. */
    static AuditMessage transfer(AuditMessages m, int i, int n) {
        TransferAccumulator acc = m.transfer(SITE_B, SITE_A, 'R');
        for (int k = 0; k < n; k++) {
            acc.add("P" + i, "DOE^JANE", "1.2.3." + i, "ACC" + i, CT);
        }
        return acc.finish(null).get(0);
    }
}
