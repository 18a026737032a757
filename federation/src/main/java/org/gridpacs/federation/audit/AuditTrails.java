package org.gridpacs.federation.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The audit trail a node runs with, from its settings: the local log, then the syslog collector when configured;
 * {@link AuditTrail#NONE} when audit.enabled is false. Close it when the node stops.
 */
public final class AuditTrails implements AuditTrail, AutoCloseable {
    private final AuditLog log;
    private final SyslogTlsSender syslog;
    private final AuditTrail trail;
    private final DeferredAuditTrail deferred;

    private AuditTrails(AuditLog log, SyslogTlsSender syslog) {
        this.log = log;
        this.syslog = syslog;
        AuditTrail t = log == null ? NONE : log;
        this.trail = syslog == null ? t : AuditTrail.both(t, syslog);
        this.deferred = log == null && syslog == null ? null : new DeferredAuditTrail(trail, "audit-deferred");
    }

    /** Messages written by a thread of their own, drained by {@link #close} before the log closes. */
    @Override
    public AuditTrail deferred() {
        return deferred != null ? deferred : this;
    }

    /**
     * Opens the trail of {@code conf/audit.properties} (missing: the defaults) for the node whose data folder is
     * {@code dataDir}. IllegalArgumentException naming the key of a bad setting; IOException when the log folder
     * cannot be written or another process writes it; GeneralSecurityException for the syslog TLS files.
     */
    public static AuditTrails open(Path auditProperties, Path dataDir) throws IOException, GeneralSecurityException {
        AuditSettings s = AuditSettings.read(auditProperties, dataDir);
        if (!s.enabled()) {
            return new AuditTrails(null, null);
        }
        AuditLog log = AuditLog.open(s.logDir(), s);
        try {
            return new AuditTrails(log, s.syslog() == null ? null : SyslogTlsSender.of(s.syslog()));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    @Override
    public void record(AuditMessage message) {
        trail.record(message);
    }

    @Override
    public void close() throws IOException {
        if (deferred != null) {
            deferred.close(); // what was handed over is recorded before the log and the collector go
        }
        if (syslog != null) {
            syslog.close();
        }
        if (log != null) {
            log.close();
        }
    }
}
