package org.gridpacs.federation.audit;

import java.util.Objects;

/**
 * An ActiveParticipant (PS3.15 A.5.2.1): a site's DICOM application, named by its AE title ({@code UserID}, as
 * A.5.2.1 prescribes for a DICOM application: "the AE Title"), the site's name as {@code UserName}, and its host
 * ({@code NetworkAccessPointID}: an IP address, type code 2, or a machine name, type code 1).
 *
 * @param aeTitle the AE title (UserID)
 * @param site    the site's name, from conf/federation.properties (UserName); may be null
 * @param host    host name or IP address (NetworkAccessPointID); may be null
 * @param requestor whether this participant asked for the event (UserIsRequestor)
 * @param role    RoleIDCode: {@link AuditCode#SOURCE}, {@link AuditCode#DESTINATION}, {@link AuditCode#APPLICATION}
 */
public record ActiveParticipant(String aeTitle, String site, String host, boolean requestor, AuditCode role) {

    public ActiveParticipant {
        Objects.requireNonNull(aeTitle, "aeTitle");
        Objects.requireNonNull(role, "role");
    }

    /** NetworkAccessPointTypeCode: 2 for an IP address (v4 or v6), 1 for a machine name. */
    public int networkAccessPointTypeCode() {
        return host != null && (host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":")) ? 2 : 1;
    }

    /** How {@code pacs audit} prints it: ROLE AE@host (site). */
    public String summary() {
        String r = role.equals(AuditCode.SOURCE) ? "source" : role.equals(AuditCode.DESTINATION) ? "destination"
                : role.equals(AuditCode.APPLICATION) ? "application" : role.originalText();
        return r + " " + aeTitle + (host != null ? "@" + host : "") + (site != null ? " (" + site + ")" : "");
    }
}
