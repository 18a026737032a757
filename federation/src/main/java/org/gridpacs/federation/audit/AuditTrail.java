package org.gridpacs.federation.audit;

/**
 * Where audit messages go: the durable local log ({@link AuditLog}), a syslog collector (a syslog collector),
 * or both ({@link #both}). Called by the federation's services: the gateway's federated C-FIND and relayed C-MOVE,
 * exports, and the trust check that refuses associations.
 *
 * <p>{@code record} must not fail the operation it audits for a problem of the trail itself: implementations log
 * such problems (the local log's failure to write is an ERROR) and return.
 */
public interface AuditTrail {

    /** Records one message; returns once it is durable (the local log) or handed over (syslog). */
    void record(AuditMessage message);

    /**
     * This trail as seen by audits that need not hold up the answer they audit (a C-FIND's Query record): record
     * returns at once and the message is written soon after ({@link DeferredAuditTrail}), still before this trail
     * closes. By default the trail itself (recorded at once).
     */
    default AuditTrail deferred() {
        return this;
    }

    /** A trail that records nowhere (audit switched off, tests). */
    AuditTrail NONE = m -> {
    };

    /** Both trails, the first first (the local log before the network). */
    static AuditTrail both(AuditTrail first, AuditTrail second) {
        return m -> {
            first.record(m);
            second.record(m);
        };
    }
}
