package org.gridpacs.dicom.net.pdu;

import java.util.Objects;

/**
 * SCP/SCU Role Selection sub-item (0x54, PS3.7 D.3.3.4). In an RQ the flags say which roles the
 * requestor proposes for itself; in an AC whether the acceptor accepts each proposed role.
 */
public record RoleSelection(String sopClassUid, boolean scuRole, boolean scpRole) {
    public RoleSelection {
        Objects.requireNonNull(sopClassUid, "sopClassUid");
    }
}
