package org.gridpacs.federation.audit;

import java.util.Locale;

/**
 * The audit events of the federation (PS3.15 A.5.3), by their EventID, each with the name {@code pacs audit --event}
 * takes.
 */
public enum AuditEvent {
    /** A.5.3.2: a retrieve or export begins; optional, the transferred message says what went. */
    BEGIN_TRANSFERRING("begin-transfer", AuditCode.BEGIN_TRANSFERRING),
    /** A.5.3.4: instances went from one node to another (cross-site C-MOVE, C-GET, C-STORE). */
    INSTANCES_TRANSFERRED("transfer", AuditCode.INSTANCES_TRANSFERRED),
    /** A.5.3.6: data left our security domain (a study sent to another hospital, de-identified or not). */
    EXPORT("export", AuditCode.EXPORT),
    /** A.5.3.10: a query was made (a federated C-FIND, incoming or fanned out). */
    QUERY("query", AuditCode.QUERY),
    /** A.5.3.11: a security alert (an association refused for its certificate, AE title or rights). */
    SECURITY_ALERT("security-alert", AuditCode.SECURITY_ALERT);

    private final String cliName;
    private final AuditCode id;

    AuditEvent(String cliName, AuditCode id) {
        this.cliName = cliName;
        this.id = id;
    }

    /** The name in {@code pacs audit --event} and its output. */
    public String cliName() {
        return cliName;
    }

    public AuditCode eventId() {
        return id;
    }

    /** The event of an EventID code (110104...); IllegalArgumentException for one we do not write. */
    public static AuditEvent ofCode(String code) {
        for (AuditEvent e : values()) {
            if (e.id.code().equals(code)) {
                return e;
            }
        }
        throw new IllegalArgumentException("not an audit event of GridPACS: EventID " + code);
    }

    /** The event named as {@code pacs audit --event} takes it (transfer, export, ...), or its enum name. */
    public static AuditEvent ofName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (AuditEvent e : values()) {
            if (e.cliName.equals(n) || e.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(n)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown audit event '" + name + "'");
    }
}
